import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { ComplaintTable, DownloadButton, Failure, ScopePicker } from '../components';
import { ComplaintRow, OVERDUE } from '../queries';
import { useQueryParam } from '../router';

export function OverduePage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [companyId, setCompanyId] = useQueryParam('companyId', '');
  const [branchId, setBranchId] = useQueryParam('branchId', '');
  const [{ data, error, fetching }] = useQuery<{ overdueComplaints: ComplaintRow[] }>({
    query: OVERDUE, variables: { companyId: companyId || null, branchId: branchId || null }, requestPolicy: 'cache-and-network',
  });
  return (
    <section>
      <div className="toolbar">
        <h2>{t('overdue.title')}</h2>
        <ScopePicker companyId={companyId} branchId={branchId} onCompany={setCompanyId} onBranch={setBranchId} />
        <DownloadButton report="overdue" params={{ companyId: companyId || undefined, branchId: branchId || undefined }} token={token} />
      </div>
      <Failure error={error} />
      {fetching && !data && <p>{t('common.loading')}</p>}
      {data && <ComplaintTable rows={data.overdueComplaints} empty={t('overdue.empty')} testId="overdue-list" />}
    </section>
  );
}
