/**
 * English texts of the account area (profile, password, my data), registered by
 * `provideAccountMessages()` on its routes. The account menu's links are in the core
 * dictionary (`accountNav`): the header shows them on every page.
 */
export const en = {
  account: {
    hello: 'Hello {name}',
    roles: {
      client: 'Customer',
      agent: 'Agency staff',
      support: 'Customer support',
    },
    profile: {
      title: 'My profile',
      heading: 'My profile',
      lead: 'These details appear on your rental agreements: keep them up to date.',
      details: 'Personal details',
      edit: 'Edit my profile',
      editHeading: 'Edit my profile',
      sectionPreferences: 'Preferences',
      notProvided: 'Not provided',
      saved: 'Your profile has been updated.',
    },
    security: {
      title: 'Password',
      heading: 'Password',
      lead: 'Changing your password signs out your other devices.',
      passwordTitle: 'Change my password',
      submit: 'Change my password',
      changed: 'Your password has been changed. Your other devices have been signed out.',
    },
    privacy: {
      title: 'My data',
      heading: 'My data',
      lead: 'You are in control of your personal data.',
      exportTitle: 'Download my data',
      exportText: 'Get a copy of everything we hold about you as a JSON file: your profile and sessions, your reservations and payments, your conversations with support and the emails we sent you.',
      exportButton: 'Download my data',
      exportPreparing: 'Preparing your file…',
      exportDone: 'Your file {file} has been downloaded.',
      deleteTitle: 'Delete my account',
      deleteText: 'Deleting your account erases your personal data. Upcoming rentals are cancelled.',
      deleteButton: 'Delete my account…',
      deleteStaff: 'Staff accounts are closed by our operations team. Please ask your manager.',
      dialogTitle: 'Delete your account permanently?',
      dialogIntro: 'If you continue:',
      consequenceData: 'your name, address, phone number and date of birth are erased;',
      consequenceBookings: 'your upcoming rentals are cancelled;',
      consequenceSessions: 'you are signed out on every device;',
      consequenceEmail: 'we send a confirmation to your email address.',
      irreversible: 'This cannot be undone.',
      confirmPassword: 'Enter your password to confirm',
      confirmDelete: 'Delete my account permanently',
    },
  },
};

export type AccountMessages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };
