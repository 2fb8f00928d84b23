// The train step under the GitHub Actions host, from the source (not the committed build), as a
// process of its own: test/train/killed-step.test.ts starts it and kills it outright (SIGKILL).
import { runNamedAction } from '@modelship/github';

await runNamedAction('train', process.argv[2] === 'post' ? 'post' : 'main');
