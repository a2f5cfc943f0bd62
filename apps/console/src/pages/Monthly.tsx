import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { Chart, ChartOption } from '../Chart';
import { DownloadButton, Failure, ScopePicker } from '../components';
import { BranchRef, Figures, MONTH_BY_BRANCH, currentMonth, lastMonths, monthlyTrend, percent } from '../queries';
import { useQueryParam } from '../router';

const RATES = ['processingRate', 'timelinessRate', 'callbackRate', 'satisfactionRate', 'reopenRate'] as const;

export function MonthlyPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [month, setMonth] = useQueryParam('month', currentMonth());
  const [companyId, setCompanyId] = useQueryParam('companyId', '');
  const [branchId, setBranchId] = useQueryParam('branchId', '');
  const months = useMemo(() => lastMonths(month, 6), [month]);
  const scope = { companyId: companyId || null, branchId: branchId || null };
  const [trend] = useQuery<Record<string, Figures>>({ query: monthlyTrend(months), variables: scope, requestPolicy: 'cache-and-network' });
  const [perBranch] = useQuery<{ branchRanking: { branch: BranchRef; figures: Figures }[] }>({
    query: MONTH_BY_BRANCH, variables: { period: month, companyId: companyId || null }, requestPolicy: 'cache-and-network',
  });
  const series = useMemo(() => (trend.data ? months.map((_, i) => trend.data![`m${i}`]) : null), [trend.data, months]);
  const option = useMemo<ChartOption | null>(() => series && ({
    tooltip: { trigger: 'axis' }, legend: { data: RATES.map((r) => t(`figures.${r}`)) },
    xAxis: { type: 'category', data: months }, yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: RATES.map((r) => ({ name: t(`figures.${r}`), type: 'line', data: series.map((f) => Math.round(f[r] * 1000) / 10) })),
  }), [series, months, t]);
  const current = series?.[series.length - 1];
  const rows = (perBranch.data?.branchRanking ?? []).filter((r) => !branchId || r.branch.id === branchId)
    .slice().sort((a, b) => a.branch.code.localeCompare(b.branch.code));
  return (
    <section>
      <div className="toolbar">
        <h2>{t('monthly.title')}</h2>
        <label>{t('common.month')} <input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} data-testid="month" /></label>
        <ScopePicker companyId={companyId} branchId={branchId} onCompany={setCompanyId} onBranch={setBranchId} />
        <DownloadButton report="monthly" params={{ month, companyId: companyId || undefined, branchId: branchId || undefined }} token={token} />
      </div>
      <Failure error={trend.error ?? perBranch.error} />
      {current && (
        <dl className="figures" data-testid="monthly-figures">
          {(['received', 'valid', 'resolved', 'closed'] as const).map((k) => <div key={k}><dt>{t(`figures.${k}`)}</dt><dd>{current[k]}</dd></div>)}
          {RATES.map((k) => <div key={k}><dt>{t(`figures.${k}`)}</dt><dd>{percent(current[k])}</dd></div>)}
        </dl>
      )}
      <h3>{t('monthly.trend')}</h3>
      {option && <Chart option={option} testId="chart-trend" />}
      <h3>{t('monthly.byBranch')}</h3>
      <table data-testid="monthly-branches">
        <thead>
          <tr>
            <th>{t('common.company')}</th><th>{t('common.branch')}</th><th>{t('figures.received')}</th><th>{t('figures.resolved')}</th>
            {RATES.map((r) => <th key={r}>{t(`figures.${r}`)}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.branch.id}>
              <td>{r.branch.company?.name}</td><td>{r.branch.code} {r.branch.name}</td><td>{r.figures.received}</td><td>{r.figures.resolved}</td>
              {RATES.map((k) => <td key={k}>{percent(r.figures[k])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
