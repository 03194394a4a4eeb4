/** English texts of the agents' desk (its lazy chunk); the French dictionary has the same keys. */
export const en = {
  agent: {
    eyebrow: 'Agency desk',
    noAgency: 'Your staff account is not attached to an agency. Ask our operations team to attach it.',
    day: {
      title: 'Agency desk: the day',
      heading: 'Pickups and returns · {agency}',
      date: 'Day (agency time)',
      previous: 'Previous day',
      today: 'Today',
      next: 'Next day',
      none: 'No pickup or return on this day.',
      pickup: 'Pickup',
      return: 'Return',
      returnTo: 'Return: {agency}, {when}',
      pickedAt: 'Picked up: {agency}, {when}',
    },
    actions: { pickup: 'Hand over the car', return: 'Take the car back', noShow: 'Record a no-show' },
    done: {
      pickup: 'Car handed over for {reference}.',
      return: 'Car taken back for {reference}.',
      noShow: 'No-show recorded for {reference}.',
    },
  },
};

export type AgentMessages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };
