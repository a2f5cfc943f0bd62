import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { BRANCHES, BranchRef, ComplaintRow, formatTime } from './queries';
import { Link } from './router';
import { downloadXlsx } from './session';

export function DownloadButton({ report, params, token }: { report: string; params: Record<string, string | undefined>; token: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const onClick = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await downloadXlsx(report, params, token);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="download">
      <button type="button" data-testid="download" disabled={busy} onClick={() => void onClick()}>{t('common.download')}</button>
      {problem && <span className="error">{problem}</span>}
    </span>
  );
}

/** The branches (and their companies) the caller reaches, from the year's ranking. */
export function useBranches(): BranchRef[] {
  const year = String(new Date().getFullYear());
  const [{ data }] = useQuery<{ branchRanking: { branch: BranchRef }[] }>({ query: BRANCHES, variables: { period: year } });
  return data?.branchRanking.map((r) => r.branch) ?? [];
}

export function ScopePicker({ companyId, branchId, onCompany, onBranch, withBranch = true }: {
  companyId: string; branchId?: string; onCompany: (v: string) => void; onBranch?: (v: string) => void; withBranch?: boolean;
}) {
  const { t } = useTranslation();
  const branches = useBranches();
  const companies = [...new Map(branches.filter((b) => b.company).map((b) => [b.company!.id, b.company!])).values()];
  return (
    <>
      <label>{t('common.company')}{' '}
        <select value={companyId} onChange={(e) => onCompany(e.target.value)} data-testid="company">
          <option value="">{t('common.allCompanies')}</option>
          {companies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      {withBranch && onBranch && (
        <label>{t('common.branch')}{' '}
          <select value={branchId ?? ''} onChange={(e) => onBranch(e.target.value)} data-testid="branch">
            <option value="">{t('common.allBranches')}</option>
            {branches.filter((b) => !companyId || b.company?.id === companyId).map((b) => <option key={b.id} value={b.id}>{b.code} {b.name}</option>)}
          </select>
        </label>
      )}
    </>
  );
}

export function Severity({ value }: { value: string }) {
  const { t } = useTranslation();
  return <span className={`severity severity-${value}`}>{t(`severity.${value}`, { defaultValue: value })}</span>;
}

export function ComplaintTable({ rows, empty, testId }: { rows: ComplaintRow[]; empty: string; testId: string }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{t('review.reference')}</th><th>{t('review.severity')}</th><th>{t('common.branch')}</th><th>{t('complaint.status')}</th>
          <th>{t('complaint.receivedAt')}</th><th>{t('overdue.deadline')}</th><th>{t('overdue.dueAt')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => {
          const breached = c.deadlines.filter((d) => d.breachedAt && !d.metAt).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
          return (
            <tr key={c.id}>
              <td><Link to={`/complaints/${c.id}`}>{c.reference}</Link></td>
              <td><Severity value={c.severity} /></td>
              <td>{c.branch.code} {c.branch.name}</td>
              <td>{c.status}</td>
              <td>{formatTime(c.receivedAt)}</td>
              <td>{breached?.kind ?? '—'}</td>
              <td>{formatTime(breached?.dueAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Failure({ error }: { error?: { message: string } }) {
  const { t } = useTranslation();
  return error ? <p className="error" role="alert">{t('common.error')}: {error.message}</p> : null;
}
