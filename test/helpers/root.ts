import type { TestContext } from 'node:test';

/**
 * Tests that need root skip with a stated reason when run without it, unless
 * CC_MUST_WORK=1 (as in CI), which turns the skip into a failure.
 */
export function requireRoot(t: TestContext): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env.CC_MUST_WORK === '1') throw new Error('this test needs root (CC_MUST_WORK=1)');
  t.skip('needs root');
  return false;
}
