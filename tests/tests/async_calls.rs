//! Async host functions and async calls: a guest suspended at an async host
//! function and resumed with its results (locals, frames, fuel and the
//! store intact), nested sync calls from inside the host future, traps and
//! errors after a suspension, and the usage error of a sync call that
//! reaches an async host function. Driven by a hand-written `block_on`
//! with a no-op waker; the debug build runs loop dispatch and the release
//! build tail-call dispatch, so `cargo test` and `cargo test --release`
//! cover both.
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};
use wasmbed::{
    Caller, Config, Engine, Error, ErrorKind, Func, Instance, Linker, Module, Store, TrapCode, Val,
};

/// Polls `f` to completion on this thread, counting the polls.
fn block_on<F: Future>(f: F) -> (F::Output, u32) {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return (v, polls);
        }
    }
}

/// Pending `left` times (waking each time), then ready.
struct YieldN {
    left: u32,
}

impl Future for YieldN {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.left == 0 {
            Poll::Ready(())
        } else {
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[derive(Default)]
struct Data {
    /// Calls of the async host functions.
    calls: u32,
    /// Fuel seen from inside a host future.
    fuel_seen: Vec<u64>,
}

const GUEST: &str = r#"(module
  (import "host" "mix" (func $mix (param i32 i64 f64) (result i64 f64)))
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (import "host" "nested" (func $nested (param i32) (result i32)))
  (import "host" "fail" (func $fail))
  (memory (export "memory") 1)
  ;; locals live on both sides of the suspension
  (func (export "mixed") (param $x i32) (result i64 f64 i32)
    (local $keep i32) (local $r i64) (local $f f64)
    (local.set $keep (i32.mul (local.get $x) (i32.const 7)))
    (call $mix (local.get $x) (i64.const 0x100000000) (f64.const 1.5))
    (local.set $f)
    (local.set $r)
    (local.get $r)
    (f64.add (local.get $f) (f64.const 0.25))
    (i32.add (local.get $keep) (local.get $x)))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (call $tick (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func (export "double") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "via_nested") (param i32) (result i32)
    (i32.add (call $nested (local.get 0)) (i32.const 1)))
  (func $inner (param i32) (result i32)
    (drop (call $tick (local.get 0)))
    (unreachable))
  (func $outer (export "trap_after") (param i32) (result i32)
    (i32.add (i32.const 1) (call $inner (local.get 0))))
  (func (export "fails") (call $fail) (unreachable))
  (func (export "spin") (param $n i32) (result i32)
    (drop (call $tick (i32.const 0)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $n)))"#;

fn linker(engine: &Engine) -> Linker<Data> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap_async(
            "host",
            "mix",
            |mut caller: Caller<'_, Data>, (a, b, c): (i32, i64, f64)| {
                Box::new(async move {
                    YieldN { left: 3 }.await;
                    caller.data_mut().calls += 1;
                    Ok((b + i64::from(a), c * 2.0))
                })
            },
        )
        .unwrap()
        .func_wrap_async("host", "tick", |mut caller: Caller<'_, Data>, n: i32| {
            Box::new(async move {
                YieldN {
                    left: (n as u32) % 3,
                }
                .await;
                caller.data_mut().calls += 1;
                if let Ok(fuel) = caller.get_fuel() {
                    caller.data_mut().fuel_seen.push(fuel);
                }
                Ok(n * 3)
            })
        })
        .unwrap()
        .func_wrap_async("host", "nested", |mut caller: Caller<'_, Data>, n: i32| {
            Box::new(async move {
                YieldN { left: 2 }.await;
                let double = caller.get_export("double").unwrap().into_func().unwrap();
                let mut out = [Val::I32(0)];
                double.call(&mut caller, &[Val::I32(n)], &mut out)?;
                YieldN { left: 2 }.await;
                caller.data_mut().calls += 1;
                Ok(out[0].i32().unwrap() + 100)
            })
        })
        .unwrap()
        .func_wrap_async("host", "fail", |_caller: Caller<'_, Data>, (): ()| {
            Box::new(async move {
                YieldN { left: 1 }.await;
                Err::<(), Error>(Error::msg("host says no"))
            })
        })
        .unwrap();
    linker
}

fn setup(config: &Config) -> (Store<Data>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, GUEST).unwrap();
    let mut store = Store::new(&engine, Data::default());
    let instance = linker(&engine).instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn results_flow_back_and_locals_survive_the_suspension() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance
        .get_typed_func::<i32, (i64, f64, i32)>(&store, "mixed")
        .unwrap();
    let (out, polls) = block_on(f.call_async(&mut store, 5));
    assert_eq!(out.unwrap(), ((1 << 32) + 5, 3.25, 40));
    // Three pendings of the host future, then the ready poll.
    assert_eq!(polls, 4);
    assert_eq!(store.data().calls, 1);
}

#[test]
fn untyped_call_async_checks_and_returns_values() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance.get_func(&store, "mixed").unwrap();
    let mut out = [Val::I32(0), Val::I32(0), Val::I32(0)];
    let (r, _) = block_on(f.call_async(&mut store, &[Val::I32(2)], &mut out));
    r.unwrap();
    assert_eq!(out[0].i64().unwrap(), (1 << 32) + 2);
    assert_eq!(out[1].f64().unwrap(), 3.25);
    assert_eq!(out[2].i32().unwrap(), 16);
    let (r, _) = block_on(f.call_async(&mut store, &[Val::I64(2)], &mut out));
    assert!(matches!(r.unwrap_err().kind(), ErrorKind::Usage(_)));
}

#[test]
fn a_thousand_suspensions_in_a_loop() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance.get_typed_func::<i32, i32>(&store, "loop").unwrap();
    let (out, polls) = block_on(f.call_async(&mut store, 1000));
    // sum of 3n for n in 1..=1000
    assert_eq!(out.unwrap(), 3 * 1000 * 1001 / 2);
    assert_eq!(store.data().calls, 1000);
    // n % 3 pendings per call: 333 + 2 * 333 (n = 1..=999) + 1 (n = 1000).
    assert_eq!(polls, 1 + 333 + 2 * 333 + 1);
    // The store still runs sync calls of wasm functions.
    let double = instance
        .get_typed_func::<i32, i32>(&store, "double")
        .unwrap();
    assert_eq!(double.call(&mut store, 21).unwrap(), 42);
}

#[test]
fn host_future_calls_back_into_the_same_instance() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance
        .get_typed_func::<i32, i32>(&store, "via_nested")
        .unwrap();
    let (out, polls) = block_on(f.call_async(&mut store, 20));
    assert_eq!(out.unwrap(), 20 * 2 + 100 + 1);
    assert_eq!(polls, 5);
    // And again, so the store's stack bookkeeping after the nesting is
    // checked too.
    let (out, _) = block_on(f.call_async(&mut store, 1));
    assert_eq!(out.unwrap(), 103);
}

#[test]
fn trap_after_resume_has_the_full_backtrace() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance
        .get_typed_func::<i32, i32>(&store, "trap_after")
        .unwrap();
    let (out, polls) = block_on(f.call_async(&mut store, 2));
    assert_eq!(polls, 3);
    let err = out.unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Unreachable));
    let trap = err.as_trap().unwrap();
    let names: Vec<Option<&str>> = trap
        .backtrace()
        .iter()
        .map(|f| f.func_name.as_deref())
        .collect();
    assert_eq!(names, vec![Some("inner"), Some("outer")]);
    // The store is usable afterwards.
    let (out, _) = block_on(f.call_async(&mut store, 0).await_ok_or_trap());
    assert_eq!(out, Some(TrapCode::Unreachable));
}

/// Maps a call's outcome to its trap code (for reruns).
trait AwaitOkOrTrap {
    fn await_ok_or_trap(self) -> impl Future<Output = Option<TrapCode>>;
}

impl<F: Future<Output = wasmbed::Result<i32>>> AwaitOkOrTrap for F {
    async fn await_ok_or_trap(self) -> Option<TrapCode> {
        self.await.err().and_then(|e| e.trap_code())
    }
}

#[test]
fn host_error_comes_out_of_call_async() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance.get_typed_func::<(), ()>(&store, "fails").unwrap();
    let (out, _) = block_on(f.call_async(&mut store, ()));
    let err = out.unwrap_err();
    assert!(err.to_string().contains("host says no"), "{err}");
    assert_eq!(err.trap_code(), None);
    let f = instance.get_typed_func::<i32, i32>(&store, "loop").unwrap();
    let (out, _) = block_on(f.call_async(&mut store, 3));
    assert_eq!(out.unwrap(), 18);
}

#[test]
fn sync_calls_reaching_an_async_host_function_are_usage_errors() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance.get_typed_func::<i32, i32>(&store, "loop").unwrap();
    let err = f.call(&mut store, 3).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Usage(_)), "{err:?}");
    assert!(err.to_string().contains("call_async"), "{err}");
    let g = instance.get_func(&store, "mixed").unwrap();
    let mut out = [Val::I32(0), Val::I32(0), Val::I32(0)];
    let err = g.call(&mut store, &[Val::I32(1)], &mut out).unwrap_err();
    assert!(err.to_string().contains("call_async"), "{err}");
    // Sync code that avoids async host functions still runs, and so do
    // async calls afterwards.
    let double = instance
        .get_typed_func::<i32, i32>(&store, "double")
        .unwrap();
    assert_eq!(double.call(&mut store, 4).unwrap(), 8);
    let (out, _) = block_on(f.call_async(&mut store, 2));
    assert_eq!(out.unwrap(), 9);

    // A start function reaching one fails instantiation the same way.
    let engine = store.engine().clone();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "tick" (func $tick (param i32) (result i32)))
             (func $s (drop (call $tick (i32.const 1)))) (start $s))"#,
    )
    .unwrap();
    let err = linker(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(err.to_string().contains("call_async"), "{err:#}");
}

#[test]
fn fuel_is_charged_across_the_suspension() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let (mut store, instance) = setup(&config);
    store.set_fuel(1_000_000).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "spin").unwrap();
    let (out, _) = block_on(f.call_async(&mut store, 1000));
    assert_eq!(out.unwrap(), 0);
    let seen = store.data().fuel_seen[0];
    let after = store.get_fuel().unwrap();
    // Fuel was spent before the host call and the loop after it spent more.
    assert!(seen < 1_000_000, "{seen}");
    assert!(after + 1000 < seen, "{after} vs {seen}");

    // The host call sees the fuel the guest left it.
    store.data_mut().fuel_seen.clear();
    store.set_fuel(40).unwrap();
    let (out, _) = block_on(f.call_async(&mut store, 100_000));
    assert_eq!(out.unwrap_err().trap_code(), Some(TrapCode::OutOfFuel));
    let seen = store.data().fuel_seen[0];
    assert!(seen < 40, "{seen}");

    // Fuel set by the host future is what the resumed guest runs on.
    let engine = store.engine().clone();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "refuel" (func $refuel (param i64)))
             (func (export "spin") (param $fuel i64) (param $n i32) (result i32)
               (call $refuel (local.get $fuel))
               (block $done (loop $next
                 (br_if $done (i32.eqz (local.get $n)))
                 (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                 (br $next)))
               (local.get $n)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap_async(
            "host",
            "refuel",
            |mut caller: Caller<'_, Data>, fuel: i64| {
                Box::new(async move {
                    YieldN { left: 1 }.await;
                    caller.set_fuel(fuel as u64)
                })
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let spin = instance
        .get_typed_func::<(i64, i32), i32>(&store, "spin")
        .unwrap();
    store.set_fuel(1_000_000).unwrap();
    let (out, _) = block_on(spin.call_async(&mut store, (50, 100_000)));
    assert_eq!(out.unwrap_err().trap_code(), Some(TrapCode::OutOfFuel));
    store.set_fuel(10).unwrap();
    let (out, _) = block_on(spin.call_async(&mut store, (1_000_000, 1000)));
    assert_eq!(out.unwrap(), 0);
    let left = store.get_fuel().unwrap();
    assert!(left < 1_000_000 - 1000, "{left}");
}

#[test]
fn dropping_a_suspended_call_leaves_the_store_usable() {
    let (mut store, instance) = setup(&Config::new());
    let f = instance.get_typed_func::<i32, i32>(&store, "loop").unwrap();
    {
        let mut fut = pin!(f.call_async(&mut store, 5));
        let mut cx = Context::from_waker(Waker::noop());
        // n = 5 first: two pendings in its host future.
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }
    let (out, _) = block_on(f.call_async(&mut store, 5));
    assert_eq!(out.unwrap(), 45);
    let double = instance
        .get_typed_func::<i32, i32>(&store, "double")
        .unwrap();
    assert_eq!(double.call(&mut store, 3).unwrap(), 6);
}

#[test]
fn top_level_async_host_function_is_awaited() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, Data::default());
    let f = Func::wrap_async(
        &mut store,
        |mut caller: Caller<'_, Data>, (a, b): (i64, f32)| {
            Box::new(async move {
                YieldN { left: 2 }.await;
                caller.data_mut().calls += 1;
                Ok((a * 2, b + 1.0, 7i32))
            })
        },
    );
    let typed = f.typed::<(i64, f32), (i64, f32, i32)>(&store).unwrap();
    let (out, polls) = block_on(typed.call_async(&mut store, (21, 1.5)));
    assert_eq!(out.unwrap(), (42, 2.5, 7));
    assert_eq!(polls, 3);
    let err = typed.call(&mut store, (1, 1.0)).unwrap_err();
    assert!(err.to_string().contains("call_async"), "{err}");
    assert_eq!(store.data().calls, 1);
}

#[test]
fn a_panicking_host_future_unwinds_out_of_call_async() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "boom" (func $b (param i32)))
             (func (export "go") (param i32) (call $b (local.get 0)))
             (func (export "ok") (result i32) (i32.const 5)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap_async("host", "boom", |_caller: Caller<'_, ()>, n: i32| {
            Box::new(async move {
                YieldN { left: 1 }.await;
                if n > 0 {
                    panic!("boom {n}");
                }
                Ok(())
            })
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let go = instance.get_typed_func::<i32, ()>(&store, "go").unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        block_on(go.call_async(&mut store, 3))
    }));
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<String>().unwrap(), "boom 3");
    let (out, _) = block_on(go.call_async(&mut store, 0));
    out.unwrap();
    let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 5);
}

#[test]
fn call_async_futures_are_send() {
    fn assert_send<F: Future + Send>(f: F) -> F {
        f
    }
    let (mut store, instance) = setup(&Config::new());
    let f = instance.get_typed_func::<i32, i32>(&store, "loop").unwrap();
    let handle = std::thread::spawn(move || {
        let (out, _) = block_on(assert_send(f.call_async(&mut store, 4)));
        out.unwrap()
    });
    assert_eq!(handle.join().unwrap(), 30);
}

/// A counting loop for the yield tests: `spin(n)` returns `n`; `tick(n)`
/// calls the host's `tick` on each iteration.
const SPINNER: &str = r#"(module
  (import "host" "tick" (func $tick))
  (func (export "spin") (param $n i32) (result i32) (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $i))
  (func (export "ticks") (param $n i32) (result i32) (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (call $tick)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $i)))"#;

/// A store of `SPINNER` whose `tick` import advances the engine's epoch.
fn spinner(config: &Config) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, SPINNER).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "tick", |caller: Caller<'_, ()>| {
            caller.engine().increment_epoch();
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

fn fuel_config() -> Config {
    let mut config = Config::new();
    config.consume_fuel(true);
    config
}

#[test]
fn fuel_yield_interval_yields_and_charges_what_a_sync_run_charges() {
    let (mut store, instance) = spinner(&fuel_config());
    let spin = instance
        .get_typed_func::<i32, i32>(&mut store, "spin")
        .unwrap();
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(spin.call(&mut store, 10_000).unwrap(), 10_000);
    let sync_burnt = 1_000_000 - store.get_fuel().unwrap();

    store.set_fuel(1_000_000).unwrap();
    store.fuel_async_yield_interval(Some(1_000)).unwrap();
    let (r, polls) = block_on(spin.call_async(&mut store, 10_000));
    assert_eq!(r.unwrap(), 10_000);
    assert_eq!(1_000_000 - store.get_fuel().unwrap(), sync_burnt);
    // One yield per interval burnt, give or take the last partial one.
    let intervals = sync_burnt / 1_000;
    assert!(
        (intervals - 1..=intervals + 1).contains(&u64::from(polls - 1)),
        "{polls} polls for {sync_burnt} fuel"
    );
    // Sync calls never yield, whatever the interval.
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(spin.call(&mut store, 10_000).unwrap(), 10_000);
    assert_eq!(1_000_000 - store.get_fuel().unwrap(), sync_burnt);
}

#[test]
fn fuel_still_runs_out_in_an_async_run_that_yields() {
    let (mut store, instance) = spinner(&fuel_config());
    let spin = instance
        .get_typed_func::<i32, i32>(&mut store, "spin")
        .unwrap();
    store.set_fuel(5_000).unwrap();
    store.fuel_async_yield_interval(Some(1_000)).unwrap();
    let (r, polls) = block_on(spin.call_async(&mut store, i32::MAX));
    let err = r.unwrap_err();
    assert_eq!(err.downcast_ref::<TrapCode>(), Some(&TrapCode::OutOfFuel));
    assert!((5..=6).contains(&polls), "{polls} polls");
    // What is left is less than one more loop iteration costs.
    assert!(
        store.get_fuel().unwrap() < 10,
        "{}",
        store.get_fuel().unwrap()
    );
}

#[test]
fn no_interval_means_no_yield_and_zero_is_refused() {
    let (mut store, instance) = spinner(&fuel_config());
    let spin = instance
        .get_typed_func::<i32, i32>(&mut store, "spin")
        .unwrap();
    store.set_fuel(1_000_000).unwrap();
    let (r, polls) = block_on(spin.call_async(&mut store, 10_000));
    assert_eq!((r.unwrap(), polls), (10_000, 1));
    store.fuel_async_yield_interval(Some(10)).unwrap();
    store.fuel_async_yield_interval(None).unwrap();
    let (r, polls) = block_on(spin.call_async(&mut store, 10_000));
    assert_eq!((r.unwrap(), polls), (10_000, 1));
    let err = store.fuel_async_yield_interval(Some(0)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Usage(_)), "{err}");
    // Without fuel metering there is nothing to count.
    let (mut plain, _) = spinner(&Config::new());
    assert!(plain.fuel_async_yield_interval(Some(10)).is_err());
}

#[test]
fn epoch_deadline_yields_and_moves_in_async_runs_and_traps_in_sync_ones() {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let (mut store, instance) = spinner(&config);
    let ticks = instance
        .get_typed_func::<i32, i32>(&mut store, "ticks")
        .unwrap();
    // Every iteration advances the epoch; the first deadline is one tick
    // away, each later one a thousand.
    store.set_epoch_deadline(1).unwrap();
    store.epoch_deadline_async_yield_and_update(1_000);
    // The executor polls the epoch once every 1024 checks (loop
    // iterations here), so 5,000 iterations yield about five times.
    let (r, polls) = block_on(ticks.call_async(&mut store, 5_000));
    assert_eq!(r.unwrap(), 5_000);
    assert!((4..=6).contains(&polls), "{polls} polls");

    store.set_epoch_deadline(1).unwrap();
    let err = ticks.call(&mut store, 5_000).unwrap_err();
    assert_eq!(err.downcast_ref::<TrapCode>(), Some(&TrapCode::Interrupt));

    store.epoch_deadline_trap();
    store.set_epoch_deadline(1).unwrap();
    let (r, _) = block_on(ticks.call_async(&mut store, 5_000));
    let err = r.unwrap_err();
    assert_eq!(err.downcast_ref::<TrapCode>(), Some(&TrapCode::Interrupt));
}

#[test]
fn two_guests_share_one_thread_by_yielding() {
    let config = fuel_config();
    let (mut a, ia) = spinner(&config);
    let (mut b, ib) = spinner(&config);
    for s in [&mut a, &mut b] {
        s.set_fuel(u64::MAX).unwrap();
        s.fuel_async_yield_interval(Some(5_000)).unwrap();
    }
    let fa = ia.get_typed_func::<i32, i32>(&mut a, "spin").unwrap();
    let fb = ib.get_typed_func::<i32, i32>(&mut b, "spin").unwrap();
    let mut fut_a = pin!(fa.call_async(&mut a, 200_000));
    let mut fut_b = pin!(fb.call_async(&mut b, 200_000));
    let mut cx = Context::from_waker(Waker::noop());
    // Round-robin: each poll runs one guest for one interval.
    let (mut done_a, mut done_b) = (None, None);
    let mut turns = Vec::new();
    while done_a.is_none() || done_b.is_none() {
        if done_a.is_none() {
            turns.push('a');
            if let Poll::Ready(r) = fut_a.as_mut().poll(&mut cx) {
                done_a = Some(r.unwrap());
            }
        }
        if done_b.is_none() {
            turns.push('b');
            if let Poll::Ready(r) = fut_b.as_mut().poll(&mut cx) {
                done_b = Some(r.unwrap());
            }
        }
    }
    assert_eq!((done_a, done_b), (Some(200_000), Some(200_000)));
    // Neither guest ran to the end in one go.
    assert!(turns.len() > 20, "{} turns", turns.len());
}
