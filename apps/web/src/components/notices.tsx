// How the page reports what happened: errors of the API with each field named (role=alert, so a screen
// reader announces them), and confirmations (role=status).
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';

/** An error: the API's `detail` and, for a 400, every `{ field, reason }`; anything else by its message. */
export function ErrorNotice({ error, fieldLabel }: { error: unknown; fieldLabel?: (field: string) => string }) {
  const { t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiError) {
    return (
      <div className="notice error" role="alert">
        <p>
          <strong>{t(error.status >= 500 ? 'error.server' : 'error.refused')}</strong> {error.detail}
        </p>
        {error.errors.length > 0 && (
          <ul>
            {error.errors.map((e) => (
              <li key={`${e.field}:${e.reason}`}>
                <strong>{fieldLabel ? fieldLabel(e.field) : e.field}</strong>: {e.reason}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="notice error" role="alert">
      <p>
        <strong>{t('error.network')}</strong> {error instanceof Error ? error.message : String(error)}
      </p>
    </div>
  );
}

/** A confirmation of what was just done. */
export function Done({ children }: { children: React.ReactNode }) {
  if (!children) return null;
  return (
    <div className="notice ok" role="status">
      {children}
    </div>
  );
}
