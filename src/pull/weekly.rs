//! Daily TVL to the dataset's weekly points: each point is the last daily value of the week
//! ending Sunday, dated that Sunday, as the shipped data was built. A week is written only
//! once it is over (its Sunday is before the retrieval date): the running week's value would
//! otherwise be dated in the future and change on the next pull.

use super::defillama::DailyTvl;
use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeMap;

/// The Sunday that ends `date`'s week (the date itself on a Sunday).
pub fn week_end(date: NaiveDate) -> NaiveDate {
    let to_sunday = (7 - date.weekday().num_days_from_sunday()) % 7;
    date + Days::new(u64::from(to_sunday))
}

/// The weekly points of a daily series, for the weeks over before `retrieved`, oldest first.
/// Days need not be sorted; of two values for one day the later in the response wins.
pub fn weekly(days: &[DailyTvl], retrieved: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let mut by_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for d in days {
        by_day.insert(d.date, d.tvl);
    }
    let mut weeks: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for (day, tvl) in by_day {
        // Days ascend, so the last insert for a week is its last day.
        weeks.insert(week_end(day), tvl);
    }
    weeks.into_iter().filter(|(w, _)| *w < retrieved).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dataset::date::parse_ymd(s).unwrap()
    }

    #[test]
    fn weeks_end_on_sunday() {
        assert_eq!(week_end(d("2024-12-29")), d("2024-12-29")); // a Sunday
        assert_eq!(week_end(d("2024-12-30")), d("2025-01-05")); // Monday
        assert_eq!(week_end(d("2025-01-04")), d("2025-01-05")); // Saturday
    }

    #[test]
    fn the_last_value_of_each_finished_week_is_kept() {
        let days: Vec<DailyTvl> = [
            ("2025-01-03", 3.0),
            ("2024-12-30", 1.0),
            ("2025-01-05", 5.0),
            ("2025-01-06", 6.0),
            ("2025-01-10", 10.0),
            ("2025-01-13", 13.0),
        ]
        .iter()
        .map(|(s, tvl)| DailyTvl {
            date: d(s),
            tvl: *tvl,
        })
        .collect();
        // Retrieved on Monday 2025-01-13: the week ending 2025-01-19 is still running.
        assert_eq!(
            weekly(&days, d("2025-01-13")),
            vec![(d("2025-01-05"), 5.0), (d("2025-01-12"), 10.0)]
        );
        // Retrieved on Sunday 2025-01-12: that Sunday's value may still change.
        assert_eq!(weekly(&days, d("2025-01-12")), vec![(d("2025-01-05"), 5.0)]);
    }
}
