// /sign-in (and /sign-in?as=LOGIN, the demo's links) and /callback, where the provider sends the browser back.
import { useEffect, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { authConfig, completeSignIn, signIn } from '../auth/session';
import { ErrorNotice } from '../components/notices';
import { useI18n } from '../i18n';
import type { AuthConfig } from '../api/client';

export function SignInPage() {
  const { t } = useI18n();
  const params = new URLSearchParams(useSearch());
  const as = params.get('as');
  const returnTo = params.get('returnTo') ?? '/';
  const [config, setConfig] = useState<AuthConfig | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    authConfig().then(setConfig, setError);
    if (as) signIn(as, returnTo).catch(setError);
  }, [as, returnTo]);
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      {as && !error && <p role="status">{t('signIn.redirecting', { login: as })}</p>}
      <ErrorNotice error={error} />
      <p>
        <button type="button" className="primary" onClick={() => signIn(undefined, returnTo).catch(setError)}>
          {t('signIn.button')}
        </button>
      </p>
      {config?.devIssuer && <p className="hint">{t('signIn.devIssuer')}</p>}
    </section>
  );
}

export function CallbackPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    completeSignIn().then((to) => navigate(to, { replace: true }), setError);
  }, [navigate]);
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      {error ? (
        <>
          <ErrorNotice error={error} />
          <p>
            <a href="/sign-in">{t('signIn.again')}</a>
          </p>
        </>
      ) : (
        <p role="status">{t('signIn.completing')}</p>
      )}
    </section>
  );
}
