export { escapeSlackText, neutralisePlainText, sanitizeText, truncateMrkdwn, truncatePlain } from './escape-slack-text.js';
export { link, safeLinkUrl } from './link.js';
export { header, section, fields, context, divider, fitMrkdwn, fitPlainText, truncationSuffix, SLACK_LIMITS } from './slack-blocks.js';
export type { SlackBlock, HeaderBlock, SectionBlock, ContextBlock, DividerBlock, Mrkdwn, PlainText } from './slack-blocks.js';
export { fitMessage } from './fit-message.js';
export type { FitMessageOptions, FittedMessage } from './fit-message.js';
