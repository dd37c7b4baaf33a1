//! File I/O: readers turn files into the model, writers turn a finished plan into files.

pub mod read;
pub mod write;
