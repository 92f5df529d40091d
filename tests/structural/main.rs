//! Tests of the structural state-space model (`magcast::model::structural`):
//! hand-worked and statsmodels reference values, span aggregation, parameter
//! and shock recovery, damping, the Lunar New Year table and path determinism.

mod estimation;
mod reference;
mod simulation;
mod support;
