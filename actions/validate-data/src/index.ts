import { validateDataStep } from '@modelship/data';
import { runAction } from '@modelship/github';

await runAction(validateDataStep);
