//! Benchmark of the unconference planner on a summit-sized instance: 150 sessions, 300 attendees, 8 small rooms,
//! 3 days of 8 bookable hours in 30-minute slots. Run with `cargo bench --bench unconference_plan` (a plain
//! `main`, `harness = false`); prints greedy against the planner.

use plumbline::domain::unconference_plan::{greedy, plan, Instance, Plan, Room, Session};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const SESSIONS: usize = 150;
const ATTENDEES: u64 = 300;
const DAYS: u32 = 3;
/// 16 bookable slots a day, then one slot that is never bookable (the night), so no session spans two days.
const DAY: u32 = 17;
const WORDS: [&str; 3] = ["projector", "whiteboard", "video"];

/// The instance. Popularity is skewed: a few sessions draw 40+ people, many 3–8.
fn summit(seed: u64) -> Instance {
    let mut rng = StdRng::seed_from_u64(seed);
    let horizon = DAYS * DAY - 1;
    let equipment: [&[&str]; 8] = [
        &["projector"],
        &["whiteboard"],
        &["projector", "whiteboard"],
        &[],
        &["projector", "video"],
        &["projector"],
        &["whiteboard", "projector"],
        &["projector", "video", "whiteboard"],
    ];
    let mut rooms: Vec<Room> = [8, 10, 12, 12, 15, 20, 25, 30]
        .into_iter()
        .zip(equipment)
        .map(|(capacity, eq)| Room {
            capacity,
            equipment: eq.iter().map(|w| w.to_string()).collect(),
            free: (0..horizon).map(|t| t % DAY != DAY - 1).collect(),
        })
        .collect();
    // About 15% of the bookable slots are already booked, in runs of 1-4 slots.
    for room in &mut rooms {
        let bookable = room.free.iter().filter(|&&f| f).count();
        while room.free.iter().filter(|&&f| f).count() * 100 > bookable * 85 {
            let start = rng.gen_range(0..horizon as usize);
            let end = (start + rng.gen_range(1..=4)).min(horizon as usize);
            room.free[start..end].iter_mut().for_each(|f| *f = false);
        }
    }
    let weight: Vec<f64> = (0..SESSIONS)
        .map(|k| match k {
            0..=17 => 10.0,
            18..=69 => 2.5,
            _ => 0.8,
        })
        .map(|w| w * rng.gen_range(0.7..1.3))
        .collect();
    let mut interested = vec![Vec::new(); SESSIONS];
    let all: Vec<usize> = (0..SESSIONS).collect();
    for person in 0..ATTENDEES {
        let k = rng.gen_range(8..=12);
        if let Ok(chosen) = all.choose_multiple_weighted(&mut rng, k, |&s| weight[s]) {
            chosen.for_each(|&s| interested[s].push(person));
        }
    }
    let mut order: Vec<usize> = (0..SESSIONS).collect();
    order.shuffle(&mut rng);
    let sessions: Vec<Session> = order
        .into_iter()
        .map(|s| {
            let proposer = rng.gen_range(0..ATTENDEES);
            let mut essential = vec![proposer];
            for _ in 0..rng.gen_range(0..=2) {
                let p = rng.gen_range(0..ATTENDEES);
                if !essential.contains(&p) {
                    essential.push(p);
                }
            }
            let mut int = interested[s].clone();
            int.retain(|p| !essential.contains(p));
            let needs = match rng.gen_range(0..100) {
                0..=29 => vec!["projector".to_string()],
                30..=39 => vec!["whiteboard".to_string()],
                40..=44 => vec![WORDS[2].to_string()],
                _ => Vec::new(),
            };
            let slots = match rng.gen_range(0..100) {
                0..=14 => 1,
                15..=79 => 2,
                80..=91 => 3,
                _ => 4,
            };
            Session { slots, needs, essential, interested: int, placed: None, movable: false }
        })
        .collect();
    // 60 people give a talk elsewhere: two slots busy each.
    let mut busy = Vec::new();
    for _ in 0..60 {
        let (p, t) = (rng.gen_range(0..ATTENDEES), rng.gen_range(0..horizon - 1));
        busy.extend([(p, t), (p, t + 1)]);
    }
    Instance { horizon, rooms, sessions, busy }
}

fn report(name: &str, p: &Plan, took: Duration) {
    let placed = p.placements.iter().flatten().count();
    println!(
        "{name:>7}: placed {placed:>3}  unplaced {:>3}  essential clashes {:>2}  interested clashes {:>5}  size misfit {:>5}  time {:>8.1} ms",
        p.placements.len() - placed,
        p.essential_clashes,
        p.interested_clashes,
        p.size_misfit,
        took.as_secs_f64() * 1e3
    );
}

fn main() {
    for seed in 1..=3 {
        let inst = summit(seed);
        let demand: Vec<usize> = inst.sessions.iter().map(|s| s.essential.len() + s.interested.len()).collect();
        let (big, small) = (demand.iter().filter(|&&d| d >= 40).count(), demand.iter().filter(|&&d| d <= 8).count());
        println!(
            "instance {seed}: {} sessions ({big} with 40+ people, {small} with at most 8), {} rooms, horizon {}",
            inst.sessions.len(),
            inst.rooms.len(),
            inst.horizon
        );
        let t = Instant::now();
        let g = greedy(&inst);
        report("greedy", &g, t.elapsed());
        let t = Instant::now();
        let p = plan(&inst, seed, Duration::from_secs(5));
        let took = t.elapsed();
        report("plan", &p, took);
        let gain =
            100.0 * (g.interested_clashes as f64 - p.interested_clashes as f64) / g.interested_clashes.max(1) as f64;
        println!(
            "  interested clashes: {gain:.1}% fewer than greedy (target >= 30%), plan in {:.2} s (target < 5 s)",
            took.as_secs_f64()
        );
    }
}
