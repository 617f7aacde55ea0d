export { collectReactionFeedback, feedbackId } from './collect-feedback.js';
export type { FeedbackSubject } from './collect-feedback.js';
export { feedbackPriors, summariseFeedback } from './feedback-priors.js';
export type { FeedbackPrior } from './feedback-priors.js';
