import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { Failure, Severity } from '../components';
import { COMPLAINT, DeadlineRow, formatTime } from '../queries';

interface ComplaintDetail {
  id: string; reference: string; status: string; severity: string; category: string; kind: string; round: number; description: string;
  receivedAt: string; validity: string; satisfied: boolean | null; branch: { code: string; name: string }; assignee: { name: string } | null;
  deadlines: DeadlineRow[];
  timeline: { seq: number; at: string; type: string; actor: string | null; data: unknown }[];
  escalations: { id: string; level: string; reason: string; raisedAt: string; ackDueAt: string; acknowledgedAt: string | null; superseded: boolean; acknowledgedBy: { name: string } | null }[];
  specialReport: { whatHappened: string; rootCause: string; preventiveMeasures: string; submittedAt: string } | null;
}

export function ComplaintPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }] = useQuery<{ complaint: ComplaintDetail | null }>({ query: COMPLAINT, variables: { id }, requestPolicy: 'cache-and-network' });
  if (fetching && !data) return <p>{t('common.loading')}</p>;
  const c = data?.complaint;
  if (!c) return <Failure error={error ?? { message: 'NOT_FOUND' }} />;
  return (
    <section data-testid="complaint">
      <button type="button" onClick={() => history.back()}>{t('common.back')}</button>
      <h2>{t('complaint.title')} <span data-testid="complaint-reference">{c.reference}</span></h2>
      <dl className="facts">
        <div><dt>{t('complaint.status')}</dt><dd>{c.status}</dd></div>
        <div><dt>{t('review.severity')}</dt><dd><Severity value={c.severity} /></dd></div>
        <div><dt>{t('common.branch')}</dt><dd>{c.branch.code} {c.branch.name}</dd></div>
        <div><dt>{t('complaint.receivedAt')}</dt><dd>{formatTime(c.receivedAt)}</dd></div>
      </dl>
      <p className="description"><strong>{t('complaint.description')}:</strong> {c.description}</p>
      <h3>{t('complaint.deadlines')}</h3>
      <table data-testid="deadlines">
        <thead><tr><th>{t('complaint.kind')}</th><th>{t('complaint.dueAt')}</th><th>{t('complaint.metAt')}</th><th>{t('complaint.breachedAt')}</th></tr></thead>
        <tbody>
          {c.deadlines.map((d) => (
            <tr key={`${d.kind}-${d.dueAt}`} className={d.breachedAt && !d.metAt ? 'breached' : undefined}>
              <td>{d.kind}</td><td>{formatTime(d.dueAt)}</td><td>{formatTime(d.metAt)}</td><td>{formatTime(d.breachedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('complaint.escalations')}</h3>
      {c.escalations.length === 0 ? <p className="empty">{t('common.none')}</p> : (
        <table data-testid="escalations">
          <thead><tr><th>{t('complaint.level')}</th><th>{t('complaint.reason')}</th><th>{t('complaint.raisedAt')}</th><th>{t('complaint.acknowledgedAt')}</th></tr></thead>
          <tbody>
            {c.escalations.map((e) => (
              <tr key={e.id}><td>{e.level}</td><td>{e.reason}</td><td>{formatTime(e.raisedAt)}</td><td>{e.acknowledgedAt ? `${formatTime(e.acknowledgedAt)} ${e.acknowledgedBy?.name ?? ''}` : '—'}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {c.specialReport && (
        <>
          <h3>{t('complaint.specialReport')}</h3>
          <dl className="facts">
            <div><dt>{t('complaint.whatHappened')}</dt><dd>{c.specialReport.whatHappened}</dd></div>
            <div><dt>{t('complaint.rootCause')}</dt><dd>{c.specialReport.rootCause}</dd></div>
            <div><dt>{t('complaint.preventiveMeasures')}</dt><dd>{c.specialReport.preventiveMeasures}</dd></div>
          </dl>
        </>
      )}
      <h3>{t('complaint.timeline')}</h3>
      <ol className="timeline" data-testid="timeline">
        {c.timeline.map((e) => (
          <li key={e.seq} data-type={e.type}><time>{formatTime(e.at)}</time> <strong>{e.type}</strong> {e.actor && <span className="actor">{e.actor}</span>}</li>
        ))}
      </ol>
    </section>
  );
}
