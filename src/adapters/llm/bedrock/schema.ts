import { z } from 'zod';

/** The part of a Converse answer fleetops relies on; anything else in it is ignored. */
export const ConverseToolUse = z.object({
  toolUseId: z.string().min(1),
  name: z.string(),
  input: z.unknown(),
});
export type ConverseToolUse = z.infer<typeof ConverseToolUse>;

export const ConverseContentBlock = z.looseObject({
  text: z.string().optional(),
  toolUse: ConverseToolUse.optional(),
});

export const ConverseAnswer = z.object({
  output: z.object({
    message: z.object({
      role: z.literal('assistant'),
      content: z.array(ConverseContentBlock),
    }),
  }),
  stopReason: z.string(),
  usage: z.looseObject({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
  }),
});
export type ConverseAnswer = z.infer<typeof ConverseAnswer>;
