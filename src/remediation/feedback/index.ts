export { collectReactionFeedback, feedbackId } from './collect-feedback.js';
export type { FeedbackSubject } from './collect-feedback.js';
export { collectDueFeedback, FEEDBACK_CALLS_PER_RUN, isFeedbackDue, planFeedback } from './collect-due-feedback.js';
export type { DueFeedbackResult, FeedbackCandidate, FeedbackPlan } from './collect-due-feedback.js';
export { checkAgesMs } from './feedback-schedule.js';
export { feedbackPriors, summariseFeedback } from './feedback-priors.js';
export type { FeedbackPrior } from './feedback-priors.js';
