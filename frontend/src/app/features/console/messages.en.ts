/** English texts of the support console (its lazy chunk); the French dictionary has the same keys. */
export const en = {
  console: {
    eyebrow: 'Support console',
    nav: 'Support console',
    refresh: 'Refresh',
    more: 'Show more',
    claim: 'Take this conversation',
    queue: {
      title: 'Support console: conversations',
      heading: 'Conversations',
      filter: 'Status of the conversations',
      filters: { open: 'Waiting', assigned: 'In progress', closed: 'Closed' },
      none: 'No conversation here.',
      opened: 'Opened {when}',
      last: 'last activity {when}',
      mine: 'Taken by you',
      colleague: 'Taken by a colleague',
      live: 'Live',
      paused: 'Live updates paused: reconnecting…',
      arrived: 'New conversation waiting: {subject}',
    },
    conversation: {
      title: 'Support console: conversation',
      back: 'All conversations',
      close: 'Close the conversation',
      claimFirst: 'Take this conversation to reply to the customer.',
      colleagueNote: 'A colleague is handling this conversation: you can read it, not reply.',
    },
    contact: {
      title: 'Support console: contact requests',
      heading: 'Contact requests',
      filter: 'Which requests',
      unhandled: 'To handle',
      handled: 'Handled',
      none: 'No request waiting. Well done!',
      noneHandled: 'No handled request yet.',
      from: 'From {name} ({email})',
      reference: 'booking {reference}',
      reply: 'Reply by email',
      markHandled: 'Mark as handled',
      done: 'Handled',
    },
  },
};

export type ConsoleMessages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };
