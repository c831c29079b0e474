//! Phone numbers (placeholder doc, expanded below).

mod data;
pub mod engine;
pub mod metadata;
pub mod normalize;
mod types;

pub use types::{NumberType, Region, UnknownRegion};
