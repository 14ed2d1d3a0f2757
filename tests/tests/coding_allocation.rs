//! The coding layer's request rewrite allocates nothing when no `If-Match` / `If-None-Match`
//! member carries one of its suffixes. Counted with an instrumented global allocator.

use std::alloc::System;
use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use etag_core::CodingTags;
use http::{Request, Response};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::{Service, service_fn};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn request(if_match: &'static str, if_none_match: &'static str) -> Request<()> {
    Request::put("/carts/1")
        .header("accept-encoding", "gzip, br;q=0.8, zstd")
        .header("if-match", if_match)
        .header("if-none-match", if_none_match)
        .body(())
        .expect("a valid request")
}

/// Allocations made while the layer handles `request` in front of a service that allocates
/// nothing. The counter is process-wide: this file holds one test, so no other test thread
/// allocates meanwhile.
fn allocations_for(request: Request<()>) -> usize {
    let mut service = CodingTags::new(service_fn(|_: Request<()>| {
        std::future::ready(Ok::<_, Infallible>(Response::new(())))
    }));
    let mut context = Context::from_waker(Waker::noop());
    let region = Region::new(GLOBAL);
    let future = pin!(service.call(request));
    let Poll::Ready(Ok(response)) = future.poll(&mut context) else {
        panic!("the inner service is ready at once");
    };
    let count = region.change().allocations;
    drop(response);
    count
}

#[test]
fn lists_without_suffixes_pass_through_without_allocating() {
    let plain = request("\"3\", \"abc-gzip\", W/\"3.gz\"", "\"a,b\", \"7.lz\"");
    assert_eq!(allocations_for(plain), 0);
    // The counter sees the layer's work when there is some to do.
    let coded = request("\"3.gz\"", "\"7\"");
    assert!(allocations_for(coded) > 0);
}
