import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Sign-in. Development: paste a token. The group's identity provider (OpenID Connect) gets its own
 * button, shown only when the gateway advertises an issuer; the redirect flow plugs in there.
 */
export function SignIn({ onSignIn, oidcIssuer }: { onSignIn: (token: string) => void; oidcIssuer: string | null }) {
  const { t } = useTranslation();
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = token.trim().replace(/^Bearer\s+/i, '');
    if (v) onSignIn(v);
  };
  return (
    <section className="sign-in">
      <h2>{t('signIn.title')}</h2>
      {oidcIssuer && (
        <>
          <button type="button" className="primary" data-testid="sign-in-organisation" data-issuer={oidcIssuer}>{t('signIn.organisation')}</button>
          <p className="or">{t('signIn.or')}</p>
        </>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">{t('signIn.tokenLabel')}</label>
        <textarea id="token" data-testid="token" rows={4} value={token} placeholder={t('signIn.tokenHint')} onChange={(e) => setToken(e.target.value)} />
        <button type="submit" data-testid="sign-in">{t('signIn.submit')}</button>
      </form>
    </section>
  );
}
