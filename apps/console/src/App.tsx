import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Client, Provider, cacheExchange, fetchExchange, useQuery } from 'urql';
import { switchLanguage } from './i18n';
import { ME } from './queries';
import { Link, Router, useRouter } from './router';
import { ConsoleConfig, clearToken, loadConfig, readToken, saveToken } from './session';
import { SignIn } from './pages/SignIn';
import { ReviewPage } from './pages/Review';
import { MonthlyPage } from './pages/Monthly';
import { RankingPage } from './pages/Ranking';
import { OverduePage } from './pages/Overdue';
import { ComplaintPage } from './pages/Complaint';
import { QueuePage } from './pages/Queue';

export interface Me { id: string; name: string; roles: { role: string; companyId: string | null; branchId: string | null }[] }

export function App() {
  const [token, setToken] = useState<string | null>(() => readToken());
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  useEffect(() => {
    void loadConfig().then(setConfig);
  }, []);
  const client = useMemo(
    () => (token ? new Client({
      url: config?.graphqlPath ?? '/graphql',
      exchanges: [cacheExchange, fetchExchange],
      preferGetMethod: false,
      fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    }) : null),
    [token, config?.graphqlPath],
  );
  const signIn = (t: string) => {
    saveToken(t);
    setToken(t);
  };
  const signOut = () => {
    clearToken();
    setToken(null);
  };
  return (
    <Router>
      {client && token ? (
        <Provider value={client}>
          <Shell token={token} onSignOut={signOut} />
        </Provider>
      ) : (
        <Frame>
          <SignIn onSignIn={signIn} oidcIssuer={config?.oidcIssuer ?? null} />
        </Frame>
      )}
    </Router>
  );
}

function Frame({ children, nav }: { children: React.ReactNode; nav?: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="app">
      <header className="top">
        <h1>{t('app.title')}</h1>
        {nav}
        <button type="button" className="language" data-testid="language" onClick={switchLanguage}>{t('app.language')}</button>
      </header>
      <main>{children}</main>
    </div>
  );
}

const isBranchManagerOnly = (me: Me): boolean =>
  me.roles.some((r) => r.role === 'BRANCH_MANAGER') && !me.roles.some((r) => r.role === 'HEAD_OFFICE' || r.role === 'COMPANY_MANAGER');

function Shell({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }] = useQuery<{ me: Me }>({ query: ME });
  const { location } = useRouter();
  const unauthenticated = error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') || error?.response?.status === 401;
  useEffect(() => {
    if (unauthenticated) onSignOut();
  }, [unauthenticated, onSignOut]);
  if (fetching && !data) return <Frame><p>{t('common.loading')}</p></Frame>;
  if (!data) return <Frame><p className="error">{error?.message ?? t('common.error')}</p></Frame>;
  const me = data.me;
  const manager = isBranchManagerOnly(me);
  const branchId = me.roles.find((r) => r.role === 'BRANCH_MANAGER')?.branchId ?? undefined;
  const nav = (
    <nav>
      {manager && <Link to="/queue">{t('nav.queue')}</Link>}
      <Link to="/review">{t('nav.review')}</Link>
      <Link to="/monthly">{t('nav.monthly')}</Link>
      <Link to="/ranking">{t('nav.ranking')}</Link>
      <Link to="/overdue">{t('nav.overdue')}</Link>
      <span className="who" data-testid="who">{t('app.signedInAs')}: {me.name}</span>
      <button type="button" onClick={onSignOut}>{t('app.signOut')}</button>
    </nav>
  );
  const path = location.path;
  let page: React.ReactNode;
  const complaint = /^\/complaints\/([^/]+)$/.exec(path);
  if (complaint) page = <ComplaintPage id={decodeURIComponent(complaint[1])} />;
  else if (path.startsWith('/review')) page = <ReviewPage token={token} />;
  else if (path.startsWith('/monthly')) page = <MonthlyPage token={token} />;
  else if (path.startsWith('/ranking')) page = <RankingPage token={token} />;
  else if (path.startsWith('/overdue')) page = <OverduePage token={token} />;
  else if (path.startsWith('/queue') || manager) page = <QueuePage token={token} branchId={branchId} />;
  else page = <ReviewPage token={token} />;
  return <Frame nav={nav}>{page}</Frame>;
}
