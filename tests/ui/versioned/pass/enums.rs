use std::time::SystemTime;

use etag_core::Versioned;

#[derive(Versioned)]
enum Status {
    Draft,
    Open(String, #[etag(skip)] u32),
    Paid {
        amount: u64,
        #[etag(last_modified)]
        paid_at: SystemTime,
    },
}

#[derive(Versioned)]
enum Selected {
    A {
        #[etag(include)]
        kept: u8,
        dropped: u8,
    },
    B,
}

#[derive(Versioned)]
enum Never {}

fn main() {
    assert_ne!(Status::Draft.etag(), Status::Open(String::new(), 0).etag());
    let paid = Status::Paid { amount: 1, paid_at: SystemTime::UNIX_EPOCH };
    assert_eq!(paid.last_modified(), Some(SystemTime::UNIX_EPOCH));
    let a = Selected::A { kept: 1, dropped: 2 };
    if let Selected::A { dropped, .. } = &a {
        assert_eq!(*dropped, 2);
    }
    assert_eq!(a.etag(), Selected::A { kept: 1, dropped: 3 }.etag());
    assert_ne!(a.etag(), Selected::B.etag());
    fn versioned<T: Versioned>() {}
    versioned::<Never>();
}
