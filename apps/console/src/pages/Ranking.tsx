import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { DownloadButton, Failure, ScopePicker } from '../components';
import { BranchRef, RANKING, currentQuarter, percent, recentQuarters } from '../queries';
import { useQueryParam } from '../router';

interface Row {
  rank: number; bottomThree: boolean; topImprover: boolean; satisfactionChange: number | null; branch: BranchRef;
  figures: { received: number; valid: number; resolved: number; processingRate: number; satisfactionRate: number; callbacks: number; satisfied: number };
}

export function RankingPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [period, setPeriod] = useQueryParam('period', currentQuarter());
  const [companyId, setCompanyId] = useQueryParam('companyId', '');
  const [{ data, error, fetching }] = useQuery<{ branchRanking: Row[] }>({ query: RANKING, variables: { period, companyId: companyId || null }, requestPolicy: 'cache-and-network' });
  const year = String(new Date().getFullYear());
  const periods = [...recentQuarters(6), year, String(Number(year) - 1)];
  if (!periods.includes(period)) periods.unshift(period);
  return (
    <section>
      <div className="toolbar">
        <h2>{t('ranking.title')}</h2>
        <label>{t('common.period')}{' '}
          <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="period">{periods.map((p) => <option key={p} value={p}>{p}</option>)}</select>
        </label>
        <ScopePicker companyId={companyId} onCompany={setCompanyId} withBranch={false} />
        <DownloadButton report="ranking" params={{ period, companyId: companyId || undefined }} token={token} />
      </div>
      <Failure error={error} />
      {fetching && !data && <p>{t('common.loading')}</p>}
      {data && (
        <table data-testid="ranking">
          <thead>
            <tr>
              <th>{t('ranking.rank')}</th><th>{t('common.company')}</th><th>{t('common.branch')}</th><th>{t('figures.satisfactionRate')}</th>
              <th>{t('ranking.change')}</th><th>{t('figures.processingRate')}</th><th>{t('figures.received')}</th><th />
            </tr>
          </thead>
          <tbody>
            {data.branchRanking.map((r) => (
              <tr key={r.branch.id} className={r.bottomThree ? 'bottom' : r.topImprover ? 'improver' : undefined}>
                <td>{r.rank}</td><td>{r.branch.company?.name}</td><td>{r.branch.code} {r.branch.name}</td>
                <td>{percent(r.figures.satisfactionRate)}</td>
                <td>{r.satisfactionChange === null ? '—' : `${r.satisfactionChange >= 0 ? '+' : ''}${(r.satisfactionChange * 100).toFixed(1)}`}</td>
                <td>{percent(r.figures.processingRate)}</td><td>{r.figures.received}</td>
                <td>
                  {r.bottomThree && <span className="badge bad">{t('ranking.bottomThree')}</span>}
                  {r.topImprover && <span className="badge good">{t('ranking.topImprover')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
