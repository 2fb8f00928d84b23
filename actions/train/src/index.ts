import { runAction } from '@modelship/github';
import { trainStep } from '@modelship/train';

await runAction(trainStep);
