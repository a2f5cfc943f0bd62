import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { ComplaintTable, DownloadButton, Failure } from '../components';
import { ComplaintRow, QUEUE } from '../queries';

/** A branch manager's page: what awaits them, and their branch's overdue complaints. */
export function QueuePage({ token, branchId }: { token: string; branchId?: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }] = useQuery<{ myQueue: { totalCount: number; edges: { node: ComplaintRow }[] }; overdueComplaints: ComplaintRow[] }>({
    query: QUEUE, variables: { branchId: branchId ?? null }, requestPolicy: 'cache-and-network',
  });
  return (
    <section>
      <div className="toolbar"><h2>{t('queue.title')}</h2>{data && <span className="count" data-testid="queue-count">{data.myQueue.totalCount}</span>}</div>
      <Failure error={error} />
      {fetching && !data && <p>{t('common.loading')}</p>}
      {data && <ComplaintTable rows={data.myQueue.edges.map((e) => e.node)} empty={t('queue.empty')} testId="queue-list" />}
      <div className="toolbar">
        <h3>{t('queue.overdue')}</h3>
        <DownloadButton report="overdue" params={{ branchId }} token={token} />
      </div>
      {data && <ComplaintTable rows={data.overdueComplaints} empty={t('overdue.empty')} testId="queue-overdue" />}
    </section>
  );
}
