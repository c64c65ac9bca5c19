export * from './business-calendar';
export * from './calendar-registry';
export * from './deadline-schedule';
export * from './memoized-calendars';
