//! Data loaders that are not part of serving requests: the demo conferences
//! and accounts, and the large benchmark conference. They live apart from the
//! services so that nothing a visitor does can reach them.

pub mod bench;
pub mod bench_sql;
pub mod demo;
