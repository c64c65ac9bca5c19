// The shell: sign-in state, the signed-in user (GET /api/v1/me), language, navigation and the routes. Each
// screen is its own chunk, loaded when first opened, so the first screen stays small on a slow link.
import { Component, createContext, lazy, Suspense, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, Redirect, Route, Switch, useLocation, useSearch } from 'wouter';
import { get, useSession, type MeView } from './api/client';
import { accessToken, signOut } from './auth/session';
import { ErrorNotice } from './components/notices';
import { initialLocale, I18nProvider, loadDictionary, LOCALE_NAMES, LOCALES, rememberLocale, useI18n, type Dictionary, type Locale } from './i18n';
import { en } from './i18n/en';
import { CallbackPage, SignInPage } from './pages/sign-in';
import { RequestsPage } from './pages/requests';

const RequestPage = lazy(() => import('./pages/request').then((m) => ({ default: m.RequestPage })));
const NewRequestPage = lazy(() => import('./pages/new-request').then((m) => ({ default: m.NewRequestPage })));
const SecretariatPage = lazy(() => import('./pages/secretariat').then((m) => ({ default: m.SecretariatPage })));
const DirectoryPage = lazy(() => import('./pages/directory').then((m) => ({ default: m.DirectoryPage })));

const MeContext = createContext<MeView | null>(null);

/** The signed-in user (role, State, network, time zone). Only inside the signed-in part of the page. */
export function useMe(): MeView {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the signed-in shell');
  return me;
}

/** The page a role lands on. */
function homeOf(me: MeView): string {
  return me.role === 'SECRETARIAT' ? '/secretariat' : '/requests';
}

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [dict, setDict] = useState<Dictionary>(en);
  useEffect(() => {
    let live = true;
    void loadDictionary(locale).then((d) => {
      if (!live) return;
      setDict(d);
      rememberLocale(locale);
    });
    return () => {
      live = false;
    };
  }, [locale]);
  return (
    <I18nProvider locale={locale} dict={dict}>
      <Switch>
        <Route path="/sign-in">
          <Frame locale={locale} onLocale={setLocale}>
            <SignInPage />
          </Frame>
        </Route>
        <Route path="/callback">
          <Frame locale={locale} onLocale={setLocale}>
            <CallbackPage />
          </Frame>
        </Route>
        <Route>
          <SignedIn locale={locale} onLocale={setLocale} />
        </Route>
      </Switch>
    </I18nProvider>
  );
}

/** Everything behind the sign-in: without a valid token, back to /sign-in (and back here after). */
function SignedIn({ locale, onLocale }: { locale: Locale; onLocale: (l: Locale) => void }) {
  const { t } = useI18n();
  const [location, navigate] = useLocation();
  const [me, setMe] = useState<MeView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = useSearch();
  const toSignIn = useCallback(
    () => navigate(`/sign-in?returnTo=${encodeURIComponent(search ? `${location}?${search}` : location)}`),
    [location, search, navigate],
  );
  useEffect(() => {
    useSession({ token: accessToken, expired: toSignIn });
  }, [toSignIn]);
  useEffect(() => {
    let live = true;
    void (async () => {
      if (!(await accessToken())) return toSignIn();
      try {
        const m = await get<MeView>('/api/v1/me');
        if (live) setMe(m);
      } catch (err) {
        if (live) setError(err);
      }
    })();
    return () => {
      live = false;
    };
    // once per sign-in, not per navigation
  }, []);
  if (error) {
    return (
      <Frame locale={locale} onLocale={onLocale}>
        <h1 tabIndex={-1}>{t('app.unavailable')}</h1>
        <ErrorNotice error={error} />
      </Frame>
    );
  }
  if (!me) {
    return (
      <Frame locale={locale} onLocale={onLocale}>
        <p role="status">{t('app.loading')}</p>
      </Frame>
    );
  }
  return (
    <MeContext.Provider value={me}>
      <Frame locale={locale} onLocale={onLocale} me={me}>
        <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
          <Failsafe key={location} title={t('app.unavailable')}>
            <Switch>
              <Route path="/">
                <Redirect to={homeOf(me)} />
              </Route>
              <Route path="/requests" component={RequestsPage} />
              <Route path="/requests/new">
                <NewRequestPage />
              </Route>
              <Route path="/requests/:id/edit">{(p) => <NewRequestPage draftId={p.id} />}</Route>
              <Route path="/requests/:id">{(p) => <RequestPage id={p.id} />}</Route>
              <Route path="/secretariat" component={SecretariatPage} />
              <Route path="/directory" component={DirectoryPage} />
              <Route>
                <h1 tabIndex={-1}>{t('app.notFound')}</h1>
                <p>
                  <Link href={homeOf(me)}>{t('app.home')}</Link>
                </p>
              </Route>
            </Switch>
          </Failsafe>
        </Suspense>
      </Frame>
    </MeContext.Provider>
  );
}

/** A screen that fails to render says so (and why) instead of leaving the page blank; another page works again. */
class Failsafe extends Component<{ title: string; children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <>
        <h1 tabIndex={-1}>{this.props.title}</h1>
        <ErrorNotice error={this.state.error} />
      </>
    );
  }
}

/** Header, navigation, language picker and the main landmark; moves focus to the page's heading on each navigation. */
function Frame({ locale, onLocale, me, children }: { locale: Locale; onLocale: (l: Locale) => void; me?: MeView; children: ReactNode }) {
  const i = useI18n();
  const { t } = i;
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = main.current?.querySelector('h1');
    if (h1 instanceof HTMLElement) h1.focus();
  }, [location]);
  useEffect(() => {
    const h1 = main.current?.querySelector('h1')?.textContent;
    document.title = h1 ? `${h1} · Rogatory` : 'Rogatory';
  });
  const nav: Array<{ href: string; label: string; show: boolean }> = me
    ? [
        { href: '/requests', label: me.role === 'ADMINISTRATOR' ? t('nav.requestsAll') : t('nav.requests'), show: me.role !== 'SECRETARIAT' },
        { href: '/requests/new', label: t('nav.newRequest'), show: me.role === 'CENTRAL_AUTHORITY' },
        { href: '/secretariat', label: t('nav.secretariat'), show: me.role === 'SECRETARIAT' || me.role === 'ADMINISTRATOR' },
        { href: '/directory', label: t('nav.directory'), show: true },
      ]
    : [];
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⚖
          </span>{' '}
          Rogatory
        </div>
        {me && (
          <nav aria-label={t('nav.label')}>
            <ul>
              {nav
                .filter((n) => n.show)
                .map((n) => (
                  <li key={n.href}>
                    <Link href={n.href} aria-current={location === n.href ? 'page' : undefined}>
                      {n.label}
                    </Link>
                  </li>
                ))}
            </ul>
          </nav>
        )}
        <div className="who">
          <label>
            <span className="label">{t('app.language')}</span>{' '}
            <select value={locale} onChange={(e) => onLocale(e.target.value as Locale)}>
              {LOCALES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          {me && (
            <>
              <span className="me">
                {me.name} · {i.code('role', me.role)}
                {me.state ? ` · ${i.stateName(me.state)}` : ''}
                {me.network ? ` · ${me.network}` : ''}
              </span>
              <button
                type="button"
                className="link"
                onClick={() =>
                  void signOut().then(() => {
                    window.location.assign('/sign-in');
                  })
                }
              >
                {t('app.signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
