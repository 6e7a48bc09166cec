//! Number formatting for reasons: rules write "$1.2B", "+12%" and "87th" without string
//! arithmetic, and every rule formats the same way. A missing value formats as "n/a".

/// `$1.2B`, `$340M`, `$12.5K`, `$950`, `$0.0021`; negative as `-$1.2B`.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}${}", magnitude(x.abs()))
}

/// A fraction as a percent: 0.123 → `12%`, 0.045 → `4.5%`.
pub fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let p = x * 100.0;
    if p.abs() >= HUGE {
        let sign = if p < 0.0 { "-" } else { "" };
        // A fraction near the largest float is past it as a percent: its exponent moved by 2.
        if !p.is_finite() {
            let text = scientific(x.abs());
            if let Some((mantissa, exponent)) = text.split_once('e')
                && let Ok(e) = exponent.parse::<i32>()
            {
                return format!("{sign}{mantissa}e{}%", e + 2);
            }
        }
        return format!("{sign}{}%", scientific(p.abs()));
    }
    let text = if p.abs() >= 10.0 || p == 0.0 {
        format!("{p:.0}")
    } else {
        trim(format!("{p:.1}"))
    };
    // A value that rounds to zero is 0%, whatever its sign.
    if text == "-0" {
        "0%".into()
    } else {
        format!("{text}%")
    }
}

/// A fraction as a signed percent change: 0.12 → `+12%`, -0.4 → `-40%`.
pub fn signed_pct(x: f64) -> String {
    let s = pct(x);
    if x > 0.0 && x.is_finite() && s != "0%" {
        format!("+{s}")
    } else {
        s
    }
}

/// A readable number: `12,345`, `87.5`, `0.25`, `3.4M`, `1.2B`.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    let body = if a >= 1e6 {
        magnitude(a)
    } else if a.fract() == 0.0 {
        thousands(a as u64)
    } else if a >= 1.0 {
        let fixed = trim(format!("{a:.2}"));
        match fixed.split_once('.') {
            Some((whole, frac)) => format!("{}.{frac}", thousands(whole.parse().unwrap_or(0))),
            None => thousands(fixed.parse().unwrap_or(0)),
        }
    } else {
        significant(a)
    };
    format!("{sign}{body}")
}

/// An ordinal for percentiles and ranks: 1 → `1st`, 87.5 → `87th`, 22 → `22nd`.
pub fn ordinal(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x.abs() >= HUGE {
        let sign = if x < 0.0 { "-" } else { "" };
        return format!("{sign}{}th", scientific(x.abs()));
    }
    let n = x.floor() as i64;
    let suffix = match (n.unsigned_abs() % 10, n.unsigned_abs() % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// An English list: `a`, `a and b`, `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Past a million trillion, or below a millionth, no amount, count or share is written out in
/// digits: `1.7e308`, `1e-320` (else one such number would be hundreds of digits long).
const HUGE: f64 = 1e18;
const TINY: f64 = 1e-6;

/// `1.7e308`: two significant digits in scientific notation.
fn scientific(a: f64) -> String {
    let text = format!("{a:.1e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => format!("{}e{exponent}", trim(mantissa.to_string())),
        None => text,
    }
}

fn magnitude(a: f64) -> String {
    if a >= HUGE {
        return scientific(a);
    }
    for (unit, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")] {
        if a >= unit * 0.9995 {
            let scaled = a / unit;
            let digits = if scaled >= 100.0 { 0 } else { 1 };
            return format!("{}{suffix}", trim(format!("{scaled:.digits$}")));
        }
    }
    if a >= 1.0 {
        trim(format!("{a:.2}"))
    } else {
        significant(a)
    }
}

/// Two significant digits for values below 1: 0.0021, 0.25.
fn significant(a: f64) -> String {
    if a == 0.0 {
        return "0".into();
    }
    if a < TINY {
        return scientific(a);
    }
    let decimals = (1 - a.log10().floor() as i64).max(0) as usize;
    trim(format!("{a:.decimals$}"))
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money() {
        assert_eq!(usd(1.2e9), "$1.2B");
        assert_eq!(usd(14_480_000_000.0), "$14.5B");
        assert_eq!(usd(340e6), "$340M");
        assert_eq!(usd(12_500.0), "$12.5K");
        assert_eq!(usd(950.0), "$950");
        assert_eq!(usd(0.00213), "$0.0021");
        assert_eq!(usd(-2e9), "-$2B");
        assert_eq!(usd(999_999.0), "$1M");
    }

    #[test]
    fn percents() {
        assert_eq!(pct(0.123), "12%");
        assert_eq!(pct(0.045), "4.5%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(signed_pct(0.12), "+12%");
        assert_eq!(signed_pct(-0.4), "-40%");
        // Past the largest float as a percent, still written: the exponent moved by 2.
        assert_eq!(pct(1.7e308), "1.7e310%");
        assert_eq!(signed_pct(1.7e308), "+1.7e310%");
        assert_eq!(pct(-f64::MAX), "-1.8e310%");
        assert_eq!(pct(1e17), "1e19%");
        // Rounded to zero, whatever the sign.
        assert_eq!(pct(-1e-30), "0%");
        assert_eq!(pct(-0.0), "0%");
        assert_eq!(pct(-0.0004), "0%");
        assert_eq!(signed_pct(-1e-30), "0%");
    }

    #[test]
    fn numbers_and_ordinals() {
        assert_eq!(num(12345.0), "12,345");
        assert_eq!(num(87.5), "87.5");
        assert_eq!(num(1.999), "2");
        assert_eq!(num(1234.5), "1,234.5");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(3_400_000.0), "3.4M");
        assert_eq!(ordinal(1.0), "1st");
        assert_eq!(ordinal(87.5), "87th");
        assert_eq!(ordinal(22.0), "22nd");
        assert_eq!(ordinal(13.0), "13th");
        assert_eq!(ordinal(-1.0), "-1st");
        assert_eq!(ordinal(-12.0), "-12th");
    }

    #[test]
    fn extreme_values_are_written_in_scientific_notation_not_hundreds_of_digits() {
        assert_eq!(num(1e300), "1e300");
        assert_eq!(usd(-1.7e308), "-$1.7e308");
        assert_eq!(usd(1e-320), "$1e-320");
        assert_eq!(usd(999e12), "$999T");
        assert_eq!(usd(3.046e15), "$3046T");
        assert_eq!(usd(2e18), "$2e18");
        assert_eq!(pct(1e300), "1e302%");
        assert_eq!(pct(6.9e-9), "0%");
        assert_eq!(ordinal(1e300), "1e300th");
        assert_eq!(ordinal(9.3e18), "9.3e18th");
        assert_eq!(num(0.0000021), "0.0000021");
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(list(&s(&["a", "b", "c"])), "a, b and c");
        assert_eq!(list(&s(&["a"])), "a");
    }
}
