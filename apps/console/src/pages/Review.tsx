import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { Chart, ChartOption } from '../Chart';
import { DownloadButton, Failure, ScopePicker, Severity } from '../components';
import { Figures, REVIEW, currentQuarter, percent, recentQuarters } from '../queries';
import { Link, useQueryParam } from '../router';

interface ReviewItem {
  complaint: { id: string; reference: string; severity: string; status: string; receivedAt: string };
  peakSeverity: string; ageDays: number; escalationStatus: string; escalations: number; specialReportSubmitted: boolean; month: string;
  branch: { id: string; code: string; name: string };
}
interface Review {
  quarter: string; figures: Figures; byBranch: { branch: { id: string; code: string; name: string }; figures: { received: number } }[];
  byMonth: Record<string, unknown>; items: ReviewItem[];
}

export function ReviewPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [quarter, setQuarter] = useQueryParam('quarter', currentQuarter());
  const [companyId, setCompanyId] = useQueryParam('companyId', '');
  const [{ data, fetching, error }] = useQuery<{ quarterlyEscalationReview: Review }>({
    query: REVIEW, variables: { quarter, companyId: companyId || null }, requestPolicy: 'cache-and-network',
  });
  const review = data?.quarterlyEscalationReview;
  const quarters = recentQuarters(8);
  if (!quarters.includes(quarter)) quarters.unshift(quarter);

  // Hot/major complaints per branch, split by peak severity; and per month of the quarter.
  const byBranch = useMemo<ChartOption | null>(() => {
    if (!review) return null;
    const codes = [...new Set([...review.byBranch.map((b) => b.branch.code), ...review.items.map((i) => i.branch.code)])].sort();
    const count = (code: string, sev: string) => review.items.filter((i) => i.branch.code === code && i.peakSeverity === sev).length;
    return {
      tooltip: { trigger: 'axis' }, legend: { data: [t('severity.HOT'), t('severity.MAJOR')] },
      xAxis: { type: 'category', data: codes }, yAxis: { type: 'value', minInterval: 1 },
      series: ['HOT', 'MAJOR'].map((sev) => ({ name: t(`severity.${sev}`), type: 'bar', stack: 'all', data: codes.map((c) => count(c, sev)) })),
    };
  }, [review, t]);
  const byMonth = useMemo<ChartOption | null>(() => {
    if (!review) return null;
    const [y, q] = review.quarter.split('-Q').map(Number);
    const months = [0, 1, 2].map((i) => `${y}-${String((q - 1) * 3 + i + 1).padStart(2, '0')}`);
    const count = (m: string) => review.items.filter((i) => i.month === m).length;
    const withReport = (m: string) => review.items.filter((i) => i.month === m && i.specialReportSubmitted).length;
    return {
      tooltip: { trigger: 'axis' }, legend: { data: [t('review.complaints'), t('review.specialReport')] },
      xAxis: { type: 'category', data: months }, yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('review.complaints'), type: 'bar', data: months.map(count) },
        { name: t('review.specialReport'), type: 'line', data: months.map(withReport) },
      ],
    };
  }, [review, t]);

  return (
    <section>
      <div className="toolbar">
        <h2>{t('review.title')}</h2>
        <label>{t('common.quarter')}{' '}
          <select value={quarter} onChange={(e) => setQuarter(e.target.value)} data-testid="quarter">
            {quarters.map((q) => <option key={q} value={q}>{q}</option>)}
          </select>
        </label>
        <ScopePicker companyId={companyId} onCompany={setCompanyId} withBranch={false} />
        <DownloadButton report="escalation-review" params={{ quarter, companyId: companyId || undefined }} token={token} />
      </div>
      <Failure error={error} />
      {fetching && !review && <p>{t('common.loading')}</p>}
      {review && (
        <>
          <dl className="figures">
            <div><dt>{t('review.complaints')}</dt><dd>{review.items.length}</dd></div>
            <div><dt>{t('figures.processingRate')}</dt><dd>{percent(review.figures.processingRate)}</dd></div>
            <div><dt>{t('figures.timelinessRate')}</dt><dd>{percent(review.figures.timelinessRate)}</dd></div>
            <div><dt>{t('figures.satisfactionRate')}</dt><dd>{percent(review.figures.satisfactionRate)}</dd></div>
          </dl>
          <div className="charts">
            <div><h3>{t('review.byBranch')}</h3>{byBranch && <Chart option={byBranch} testId="chart-by-branch" />}</div>
            <div><h3>{t('review.byMonth')}</h3>{byMonth && <Chart option={byMonth} testId="chart-by-month" />}</div>
          </div>
          {review.items.length === 0 ? <p className="empty">{t('review.empty')}</p> : (
            <table data-testid="review-list">
              <thead>
                <tr>
                  <th>{t('review.reference')}</th><th>{t('review.peakSeverity')}</th><th>{t('review.severity')}</th><th>{t('common.branch')}</th>
                  <th>{t('review.ageDays')}</th><th>{t('review.escalationStatus')}</th><th>{t('review.escalations')}</th><th>{t('review.specialReport')}</th>
                </tr>
              </thead>
              <tbody>
                {review.items.map((i) => (
                  <tr key={i.complaint.id} data-testid="review-row">
                    <td><Link to={`/complaints/${i.complaint.id}`}>{i.complaint.reference}</Link></td>
                    <td><Severity value={i.peakSeverity} /></td>
                    <td><Severity value={i.complaint.severity} /></td>
                    <td>{i.branch.code} {i.branch.name}</td>
                    <td>{i.ageDays}</td>
                    <td>{t(`escalationStatus.${i.escalationStatus}`, { defaultValue: i.escalationStatus })}</td>
                    <td>{i.escalations}</td>
                    <td>{i.specialReportSubmitted ? t('review.submitted') : t('review.missing')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
