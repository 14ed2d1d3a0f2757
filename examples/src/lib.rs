//! The example shop service (under construction).
