/**
 * English texts of the forms that register and the profile share (personal details, address,
 * password rules), registered with the auth and account features' dictionaries
 * (`providePersonFormMessages()`): only lazy pages use these forms.
 */
export const en = {
  personForm: {
    driver: 'Driver',
    address: 'Home address',
  },
  hints: {
    birthDate: 'You must be 18 or older to rent a car.',
    phone: 'International format, e.g. +33 6 12 34 56 78.',
    email: 'We will send a link to this address to confirm it.',
    postalCode: 'As written in your country.',
    postalCodeExample: 'For example {example}.',
    emailLanguage: 'Confirmations and reminders are sent in this language.',
  },
  passwordRules: {
    title: 'Your password must:',
    length: 'have at least 12 characters',
    email: 'not contain your email address',
    common: 'not be a common password (we check it when you submit)',
    met: '(done)',
    notMet: '(not yet)',
  },
};

export type PersonFormMessages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };
