import { SUPERVISED_ENV } from '../infra/supervisor';
import { serviceEnv } from '../infra/services';
import { startConfig, startServiceEnv } from './config';

const vars = { databaseUrl: 'postgres://u:p@127.0.0.1:54329/complaints', temporalAddress: '127.0.0.1:7233', namespace: 'default', jwtSecret: 'secret', port: 4000 };

describe('npm start configuration', () => {
  it('takes the documented ports by default and the ones asked for', () => {
    expect(startConfig({})).toEqual({ ports: { temporal: 7233, ui: 8233, gateway: 4000 }, seedDemo: true, temporalLog: false });
    expect(startConfig({ TEMPORAL_PORT: '17233', TEMPORAL_UI_PORT: ' 18233 ', PORT: '4100', SEED_DEMO: '0', TEMPORAL_LOG: '1' })).toEqual({
      ports: { temporal: 17233, ui: 18233, gateway: 4100 }, seedDemo: false, temporalLog: true,
    });
  });

  it.each([['PORT', 'http'], ['PORT', '0'], ['TEMPORAL_PORT', '65536'], ['TEMPORAL_UI_PORT', '80.5']])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => startConfig({ [name]: value })).toThrow(`${name}=${value} is not a TCP port`);
  });
});

describe('the environment of the worker and the gateway', () => {
  it('says where everything is, keeps the rest of ours, and never passes the supervisor marker on', () => {
    const env = serviceEnv({ ...vars, taskQueue: 'bench-1' }, { PATH: '/usr/bin', PORT: '9999', [SUPERVISED_ENV]: 'stdin', DATABASE_URL: 'postgres://old' });
    expect(env).toEqual({
      PATH: '/usr/bin', DATABASE_URL: vars.databaseUrl, TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'default', JWT_SECRET: 'secret',
      PORT: '4000', HOST: '127.0.0.1', TEMPORAL_TASK_QUEUE: 'bench-1',
    });
  });

  it('lets `extra` win and leaves the task queue alone without one', () => {
    const env = serviceEnv({ ...vars, extra: { HOST: '0.0.0.0', WORKFLOW_BUNDLE_PATH: '/tmp/b.js' } }, { TEMPORAL_TASK_QUEUE: 'mine' });
    expect(env).toMatchObject({ HOST: '0.0.0.0', WORKFLOW_BUNDLE_PATH: '/tmp/b.js', TEMPORAL_TASK_QUEUE: 'mine' });
  });

  it('under npm start: GraphiQL and introspection on unless GRAPHQL_DEV says otherwise', () => {
    expect(startServiceEnv(vars, {}).GRAPHQL_DEV).toBe('1');
    expect(startServiceEnv(vars, { GRAPHQL_DEV: '0' }).GRAPHQL_DEV).toBe('0');
    expect(startServiceEnv(vars, { GRAPHQL_DEV: '1', [SUPERVISED_ENV]: 'stdin' })).not.toHaveProperty(SUPERVISED_ENV);
  });
});
