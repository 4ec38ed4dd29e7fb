import type { RunPlanOptions } from '../runtime/plan.js';
import type { HostFacts } from '../runtime/plan.js';
import type { Store } from '../store/store.js';
import type { SourceTree } from './context.js';
import type { MountNamespace } from './mount-namespace.js';
import type { Reporter } from './progress.js';

/** What every step of one build shares. */
export interface BuildSession {
  store: Store;
  spec: string;
  context: SourceTree;
  /** The build's work directory in the store's work area: removed when the build ends. */
  work: string;
  reporter: Reporter;
  noCache: boolean;
  host: HostFacts;
  /** Read-only roots of finished stages and of images, for COPY --from, once mounted. */
  stageRoots: Map<string, Promise<string>>;
  /** The private mount namespace of the build's own mounts, made on first use. */
  mounts(): Promise<MountNamespace>;
  /** Called with a failed RUN's file system, for `cc-build -d`, before it is removed. */
  onRunFailure?: (files: RunPlanOptions['files'], env: string[]) => Promise<void>;
  /** Counter for unique step directories. */
  steps: number;
}

/** A unique directory name under the build's work directory. */
export function nextStepDir(session: BuildSession, kind: string): string {
  session.steps += 1;
  return `${session.work}/${kind}-${session.steps}`;
}
