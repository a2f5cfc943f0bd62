import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, organisation, users and roles, policy versions, the complaint read model and its timeline. */
export class InitialSchema1763870000000 implements MigrationInterface {
  name = 'InitialSchema1763870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        policy_preset text NOT NULL,
        current_policy_version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE policy_versions (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        version int NOT NULL,
        document jsonb NOT NULL,
        overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, version)
      )`);
    await q.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX companies_tenant_idx ON companies (tenant_id, name)`);
    await q.query(`
      CREATE TABLE branches (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        company_id uuid NOT NULL REFERENCES companies(id),
        code text NOT NULL,
        name text NOT NULL,
        timezone text NOT NULL,
        calendar jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX branches_tenant_code_uq ON branches (tenant_id, code)`);
    await q.query(`CREATE INDEX branches_tenant_company_idx ON branches (tenant_id, company_id)`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX users_tenant_idx ON users (tenant_id)`);
    await q.query(`
      CREATE TABLE role_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL,
        company_id uuid REFERENCES companies(id),
        branch_id uuid REFERENCES branches(id)
      )`);
    await q.query(`CREATE INDEX role_assignments_tenant_user_idx ON role_assignments (tenant_id, user_id)`);
    await q.query(`
      CREATE TABLE complaints (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        company_id uuid NOT NULL REFERENCES companies(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        reference text NOT NULL,
        idempotency_key text NOT NULL,
        workflow_id text NOT NULL,
        channel text NOT NULL,
        kind text NOT NULL,
        category text NOT NULL,
        severity text NOT NULL,
        emergency boolean NOT NULL,
        validity text NOT NULL,
        responsibility text NOT NULL,
        status text NOT NULL,
        round int NOT NULL,
        description text NOT NULL,
        demand text,
        location text,
        households_affected int NOT NULL,
        loss_amount_yuan numeric,
        injury boolean NOT NULL DEFAULT false,
        media_exposure boolean NOT NULL DEFAULT false,
        litigation boolean NOT NULL DEFAULT false,
        complainant_name text NOT NULL,
        complainant_phone text,
        complainant_unit text,
        first_contact_owner_id uuid NOT NULL REFERENCES users(id),
        assignee_id uuid REFERENCES users(id),
        received_at timestamptz NOT NULL,
        resolved_at timestamptz,
        closed_at timestamptz,
        deadlines jsonb NOT NULL DEFAULT '[]'::jsonb,
        overdue boolean NOT NULL DEFAULT false,
        satisfied boolean,
        last_callback_method text,
        policy_version int NOT NULL,
        matter_id uuid,
        merged_into_id uuid,
        last_seq int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX complaints_tenant_idem_uq ON complaints (tenant_id, idempotency_key)`);
    await q.query(`CREATE UNIQUE INDEX complaints_tenant_ref_uq ON complaints (tenant_id, reference)`);
    await q.query(`CREATE INDEX complaints_tenant_branch_received_idx ON complaints (tenant_id, branch_id, received_at)`);
    await q.query(`CREATE INDEX complaints_tenant_assignee_idx ON complaints (tenant_id, assignee_id)`);
    await q.query(`CREATE INDEX complaints_tenant_overdue_idx ON complaints (tenant_id) WHERE overdue`);
    await q.query(`
      CREATE TABLE complaint_events (
        complaint_id uuid NOT NULL REFERENCES complaints(id),
        seq int NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        at timestamptz NOT NULL,
        type text NOT NULL,
        actor text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (complaint_id, seq)
      )`);
    await q.query(`CREATE INDEX complaint_events_tenant_type_at_idx ON complaint_events (tenant_id, type, at)`);
    await q.query(`
      CREATE TABLE reference_counters (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        year int NOT NULL,
        last int NOT NULL,
        PRIMARY KEY (tenant_id, branch_id, year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'reference_counters', 'complaint_events', 'complaints', 'role_assignments', 'users', 'branches', 'companies',
      'policy_versions', 'tenants',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
