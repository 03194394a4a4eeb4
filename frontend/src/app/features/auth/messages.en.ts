/**
 * English texts of the lazy account pages outside the sign-in form (register, verify email,
 * forgotten and new password, staff invitation): registered by `provideAuthMessages()` on their
 * routes. The sign-in form's texts stay in the core dictionary (`signIn`): that page is eager.
 */
export const en = {
  auth: {
    register: {
      title: 'Create an account',
      heading: 'Create your account',
      lead: 'We need the driver’s details to prepare your rental agreements.',
      sectionAccount: 'Sign-in details',
      acceptTermsBefore: 'I have read and accept the',
      termsLink: 'terms of rental and privacy policy',
      submit: 'Create my account',
      submitting: 'Creating your account…',
      haveAccount: 'Already have an account?',
      signIn: 'Sign in',
      sentHeading: 'Check your inbox',
      sentText: 'We have sent a confirmation link to {email}. Open it to activate your account.',
      sentHint: 'The link is valid for 24 hours. Can’t find the email? Look in your spam folder.',
      goToSignIn: 'Go to sign in',
    },
    verify: {
      title: 'Email confirmation',
      verifying: 'Confirming your email address',
      wait: 'One moment, please…',
      verifiedHeading: 'Your email address is confirmed',
      verifiedText: 'Your account is active. You can now sign in.',
      invalidHeading: 'This link no longer works',
      invalidText: 'The confirmation link is invalid, has expired or was already used. If your address is already confirmed, simply sign in.',
      failedHeading: 'We could not confirm your email address',
      signIn: 'Sign in',
    },
    forgot: {
      title: 'Forgotten password',
      heading: 'Reset your password',
      lead: 'Enter the email address of your account and we will send you a link to choose a new password.',
      submit: 'Send the link',
      sentHeading: 'Check your inbox',
      sentText: 'If an account exists for {email}, a link to reset its password is on its way.',
      sentHint: 'The link is valid for 1 hour and can be used once.',
      backToSignIn: 'Back to sign in',
    },
    reset: {
      title: 'New password',
      heading: 'Choose a new password',
      lead: 'For your security, every device signed in to your account will be signed out.',
      submit: 'Change my password',
      invalidHeading: 'This link no longer works',
      invalidText: 'The link is invalid, has expired (after 1 hour) or was already used. Ask for a new one.',
      requestNew: 'Get a new link',
      signIn: 'Sign in',
    },
    staff: {
      title: 'Staff account',
      heading: 'Set the password of your staff account',
      lead: 'Welcome to the team! Choose the password you will use to sign in.',
      submit: 'Set my password',
      invalidText: 'This invitation is invalid, has expired (after 7 days) or was already used. Ask your manager for a new invitation.',
    },
  },
};

export type AuthMessages = ShapeOf<typeof en>;
type ShapeOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : ShapeOf<T[K]> };
