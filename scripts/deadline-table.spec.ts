import * as fs from 'fs';
import * as path from 'path';
import { deadlineTableMarkdown } from './deadline-table';

describe('README deadline table', () => {
  it('is exactly what the presets and the deadline plan say (regenerate: node scripts/run-ts.js scripts/deadline-table.ts)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(deadlineTableMarkdown());
  });
});
