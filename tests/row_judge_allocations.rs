//! The row judge stays allocation-free on good rows (the receipt pass judges every row of
//! a 10 M-row ledger): counted by a global allocator over many good rows of every shape,
//! with one bad row as the control that does allocate. Counted per thread: the test
//! harness's own threads allocate at times of their own (a CI run once saw 4 such).

use fencheng::ledger::row::{check_row, AmountField, Field, RawRow, Verdict};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread (a const-initialised `Cell` needs no allocation
    /// of its own, so the allocator may touch it).
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded as is to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn good_rows_are_judged_without_allocating() {
    let texts: Vec<(String, String, String)> = (0..1000)
        .map(|i| {
            (
                format!("{}", 1 + i % 12),
                format!("{}.{:02}", i * 37, i % 100),
                format!("1010{}", i % 10),
            )
        })
        .collect();
    let levels = ["shared", "central", "province", "prefecture", "county"];
    let before = allocations();
    let mut fen = 0i64;
    for (i, (month, amount, item)) in texts.iter().enumerate() {
        let text_row = RawRow {
            year: Field::Text("2022"),
            month: Field::Text(month),
            region: Some("410122"),
            item: Some(item),
            level: Some(levels[i % 5]),
            amount: AmountField::Text(amount),
            voucher: Some("V2022-000001"),
        };
        let parquet_row = RawRow {
            year: Field::Int(2023),
            month: Field::Int(1 + (i % 12) as i64),
            amount: AmountField::Fen(i as i128 - 500),
            ..text_row
        };
        for row in [text_row, parquet_row] {
            match check_row(&row) {
                Verdict::Good(g) => fen += g.fen,
                other => panic!("{row:?} is good, not {other:?}"),
            }
        }
    }
    let after = allocations();
    assert_eq!(
        after - before,
        0,
        "allocations while judging 2,000 good rows"
    );
    assert_ne!(fen, 0);
    // the control: a bad row allocates its problems (so the counter counts)
    let bad = RawRow {
        year: Field::Text("2022"),
        month: Field::Text("13"),
        region: Some("410122"),
        item: Some("10101"),
        level: Some("shared"),
        amount: AmountField::Text("1.00"),
        voucher: None,
    };
    assert!(matches!(check_row(&bad), Verdict::Bad(_)));
    assert!(allocations() > after);
}
