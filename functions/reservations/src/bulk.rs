//! Bulk loading of reservations for the dev-only benchmark tool (`tools/bench-data`): the
//! extension point its documentation names. Not used by the product.
