//! Rows parsed on one core while another uses them.

use super::{RawRow, Table};
use crate::error::Result;

/// Rows of a table per batch handed from the parsing thread to the consuming one.
const BATCH: usize = 2048;

/// What the consuming side does with a batch of rows and what `prepare` made of them.
pub type Consume<'f, P> = dyn FnMut(&[RawRow], &P) -> Result<()> + 'f;

/// Feed every row of `table` to `consume`, in order, a batch at a time: a scoped thread parses
/// rows into batches (their buffers recycled) and runs `prepare` on each batch, while the
/// calling thread runs `consume`. Reading and using a big file take about the same time, so on
/// two cores this nearly halves it. The first error of either side ends both.
pub fn pipelined_rows<P: Default + Send>(
    table: &mut Table,
    prepare: &(dyn Fn(&[RawRow], &mut P) + Sync),
    consume: &mut Consume<'_, P>,
) -> Result<()> {
    use std::sync::mpsc;
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Result<(Vec<RawRow>, P)>>(4);
        let (empty_tx, empty_rx) = mpsc::channel::<(Vec<RawRow>, P)>();
        scope.spawn(move || {
            loop {
                let (mut batch, mut prepared) = empty_rx.try_recv().unwrap_or_default();
                let mut n = 0;
                let mut end = false;
                let mut failed = None;
                while n < BATCH {
                    if n == batch.len() {
                        batch.push(RawRow::default());
                    }
                    match table.next_row_into(&mut batch[n]) {
                        Ok(true) => n += 1,
                        Ok(false) => {
                            end = true;
                            break;
                        }
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                batch.truncate(n);
                prepare(&batch, &mut prepared);
                // The rows before an unreadable one are consumed first, so an error they hold
                // (a ragged row, say) is the one reported, as when reading row by row. A closed
                // channel means the consuming side stopped on an error: stop too.
                if full_tx.send(Ok((batch, prepared))).is_err() || end {
                    return;
                }
                if let Some(e) = failed {
                    let _ = full_tx.send(Err(e));
                    return;
                }
            }
        });
        for batch in full_rx {
            let (rows, prepared) = batch?;
            consume(&rows, &prepared)?;
            let _ = empty_tx.send((rows, prepared));
        }
        Ok(())
    })
}
