import { ApiError } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** A polite live region: loading and results are announced without moving focus. */
export function LiveStatus({ children }: { children?: React.ReactNode }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}

/** The message for a failed call, by kind, in the chosen language. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => {
    if (!(error instanceof ApiError)) return t.errors.internal;
    switch (error.kind) {
      case 'unauthenticated':
        return t.errors.unauthenticated;
      case 'forbidden':
        return t.errors.forbidden(error.details.reason ?? error.message);
      case 'bad-input':
        return t.errors.badInput(error.message);
      case 'unsupported':
        return t.errors.unsupported(error.details.field ?? '');
      case 'rate-limited':
        return t.errors.rateLimited;
      case 'unavailable':
        return t.errors.unavailable;
      case 'network':
        return t.errors.network;
      default:
        return t.errors.internal;
    }
  };
}

/** An error, announced at once (role alert), with a way to try again. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = useErrorMessage();
  return (
    <div className="notice notice-error" role="alert">
      <p>{message(error)}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t.errors.retry}
        </button>
      ) : null}
    </div>
  );
}
