//! `stripe-sim`: a dev-only local stand-in for the subset of the Stripe API the payments module
//! uses (being written).
