import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseLog } from '../../../src/runtime/logs.js';

test('parseLog joins the pieces of a long line and keeps the streams apart', () => {
  const text = [
    '2026-01-01T00:00:00.000000001Z stdout P first half, ',
    '2026-01-01T00:00:00.000000002Z stderr F an error',
    '2026-01-01T00:00:00.000000003Z stdout F second half',
    'not a log line',
    '2026-01-01T00:00:00.000000004Z stdout P left over',
  ].join('\n');
  const { lines, pending } = parseLog(text);
  assert.deepEqual(
    lines.map((line) => `${line.stream}: ${line.text}`),
    ['stderr: an error', 'stdout: first half, second half'],
  );
  assert.deepEqual(pending, { stdout: 'left over' });
});
