//! Benchmark of the automatic review assignment on a committee-sized instance: 900 proposals, 30 reviewers, K = 3.
//! Run with `cargo bench --bench assignment` (a plain `main`, `harness = false`).

use plumbline::domain::assignment::{solve, Candidate, Instance, Need, Plan, Reviewer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::Instant;

const PROPOSALS: usize = 900;
const REVIEWERS: usize = 30;
const K: u32 = 3;
const TRACKS: usize = 4;
const RUNS: usize = 5;

/// A committee: 4 tracks; a third of the reviewers cover every track, the others 1 or 2 (or all, if `dense`);
/// about 3% of the pairs are conflicts; preferences mostly 0, some ±50, a few ±100; some existing load.
fn committee(seed: u64, dense: bool) -> Instance {
    let mut rng = StdRng::seed_from_u64(seed);
    let tracks: Vec<usize> = (0..PROPOSALS).map(|_| rng.gen_range(0..TRACKS)).collect();
    let needs = (0..PROPOSALS)
        .map(|_| {
            let already = match rng.gen_range(0..100) {
                0..=84 => 0,
                85..=94 => 1,
                95..=98 => 2,
                _ => 3,
            };
            Need { missing: K - already }
        })
        .collect();
    let mut scopes = Vec::new();
    let mut reviewers = Vec::new();
    for r in 0..REVIEWERS {
        let mut scope = [false; TRACKS];
        if dense || r % 3 == 0 {
            scope = [true; TRACKS];
        } else {
            for _ in 0..rng.gen_range(1..=2) {
                scope[rng.gen_range(0..TRACKS)] = true;
            }
        }
        scopes.push(scope);
        let load = if r % 10 == 7 { rng.gen_range(5..=20) } else { rng.gen_range(0..=2) };
        reviewers.push(Reviewer { load });
    }
    let mut candidates = Vec::new();
    for (p, &track) in tracks.iter().enumerate() {
        for (r, scope) in scopes.iter().enumerate() {
            if !scope[track] || rng.gen_bool(0.03) {
                continue;
            }
            let preference = match rng.gen_range(0..100) {
                0..=74 => 0,
                75..=84 => 50,
                85..=92 => -50,
                93..=96 => 100,
                _ => -100,
            };
            candidates.push(Candidate { proposal: p, reviewer: r, preference });
        }
    }
    Instance { needs, reviewers, candidates }
}

fn report(name: &str, inst: &Instance, plan: &Plan, times: &mut [f64]) {
    let prefs: HashMap<(usize, usize), i32> =
        inst.candidates.iter().map(|c| ((c.proposal, c.reviewer), c.preference)).collect();
    let mut load: Vec<u32> = inst.reviewers.iter().map(|r| r.load).collect();
    let mut eligible = vec![false; inst.reviewers.len()];
    for c in &inst.candidates {
        eligible[c.reviewer] = true;
    }
    let (mut negative, mut total) = (0, 0);
    for pr in &plan.chosen {
        load[pr.1] += 1;
        let pref = prefs[pr];
        negative += usize::from(pref < 0);
        total += i64::from(pref);
    }
    let loads: Vec<u32> = (0..load.len()).filter(|&r| eligible[r]).map(|r| load[r]).collect();
    let needed: u32 = inst.needs.iter().map(|n| n.missing).sum();
    let left: u32 = plan.unfilled.iter().map(|u| u.1).sum();
    times.sort_by(f64::total_cmp);
    println!("{name}: {} proposals x {} reviewers, K = {K}", inst.needs.len(), inst.reviewers.len());
    println!("  candidates {}, units needed {needed}, placed {}", inst.candidates.len(), plan.chosen.len());
    println!("  unfilled: {} proposals, {left} units", plan.unfilled.len());
    println!(
        "  final load among eligible reviewers: min {}, max {}",
        loads.iter().min().copied().unwrap_or(0),
        loads.iter().max().copied().unwrap_or(0)
    );
    println!("  negative-preference assignments {negative}, total preference {total}");
    println!(
        "  solve time over {RUNS} runs: median {:.1} ms, max {:.1} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

fn main() {
    for (name, dense) in [("committee (scoped tracks)", false), ("dense (everyone in scope)", true)] {
        let inst = committee(2024, dense);
        let mut times = Vec::new();
        let mut plan = Plan::default();
        for _ in 0..RUNS {
            let start = Instant::now();
            plan = solve(&inst);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        report(name, &inst, &plan, &mut times);
    }
}
