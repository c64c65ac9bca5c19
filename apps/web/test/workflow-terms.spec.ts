import { MLA_REQUEST_EVENT_TYPES, MLA_REQUEST_STATES } from '@rogatory/workflow';
import { en } from '../src/i18n/en';
import { REQUEST_STATES } from '../src/workflow-terms';

// The page lists the machine's states without loading the machine (XState stays out of the browser bundle):
// these tests fail when the machine gains, loses or renames a state or an event the page must name.
describe('the web view names what the workflow has', () => {
  it('lists the states of the MLA request machine, in its order', () => {
    expect([...REQUEST_STATES]).toEqual([...MLA_REQUEST_STATES]);
  });

  it('has an English label for every state and event, and a past-tense one for the timeline', () => {
    const labels = en as Record<string, string>;
    expect(MLA_REQUEST_STATES.filter((s) => !labels[`state.${s}`])).toEqual([]);
    expect(MLA_REQUEST_EVENT_TYPES.filter((e) => !labels[`event.${e}`] || !labels[`happened.${e}`])).toEqual([]);
  });
});
