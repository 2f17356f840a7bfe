//! The metric catalogue and its units: what can be measured, its LOINC code where one exists,
//! its canonical UCUM unit (what is stored), and conversions between metric and imperial input
//! and output.
//!
//! Only mass (kg ↔ lb) and length (cm ↔ in) differ between the two systems; every other metric
//! has one unit. Conversions use the exact international definitions (1 lb = 0.45359237 kg,
//! 1 in = 2.54 cm). Values leave rounded to two decimals, so a value typed with at most two
//! decimals in any unit comes back exactly as typed in that unit.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A system of units a viewer can prefer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitSystem {
    /// Kilograms and centimetres.
    #[default]
    Metric,
    /// Pounds and inches.
    Imperial,
}

impl UnitSystem {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Metric => "metric",
            Self::Imperial => "imperial",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "metric" => Some(Self::Metric),
            "imperial" => Some(Self::Imperial),
            _ => None,
        }
    }
}

/// What a metric measures; decides which units it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Body mass.
    Mass,
    /// A length or circumference.
    Length,
    /// A percentage.
    Percent,
    /// Beats per minute.
    Rate,
    /// Blood pressure.
    Pressure,
    /// Steps per day.
    StepsPerDay,
    /// Oxygen uptake per kilogram per minute.
    OxygenUptake,
    /// Body mass index.
    MassIndex,
}

/// A unit a value can be given or shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Kilogram.
    Kilogram,
    /// Avoirdupois pound.
    Pound,
    /// Centimetre.
    Centimetre,
    /// International inch.
    Inch,
    /// Percent.
    Percent,
    /// Per minute (beats).
    PerMinute,
    /// Millimetres of mercury.
    MillimetreOfMercury,
    /// Per day (steps).
    PerDay,
    /// Millilitres per minute per kilogram.
    MillilitrePerMinutePerKilogram,
    /// Kilograms per square metre.
    KilogramPerSquareMetre,
}

/// Every unit, for parsing and tests.
pub const UNITS: &[Unit] = &[
    Unit::Kilogram,
    Unit::Pound,
    Unit::Centimetre,
    Unit::Inch,
    Unit::Percent,
    Unit::PerMinute,
    Unit::MillimetreOfMercury,
    Unit::PerDay,
    Unit::MillilitrePerMinutePerKilogram,
    Unit::KilogramPerSquareMetre,
];

impl Unit {
    /// The symbol shown to people.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Kilogram => "kg",
            Self::Pound => "lb",
            Self::Centimetre => "cm",
            Self::Inch => "in",
            Self::Percent => "%",
            Self::PerMinute => "bpm",
            Self::MillimetreOfMercury => "mmHg",
            Self::PerDay => "steps/day",
            Self::MillilitrePerMinutePerKilogram => "mL/kg/min",
            Self::KilogramPerSquareMetre => "kg/m²",
        }
    }

    /// The UCUM code.
    pub fn ucum(self) -> &'static str {
        match self {
            Self::Kilogram => "kg",
            Self::Pound => "[lb_av]",
            Self::Centimetre => "cm",
            Self::Inch => "[in_i]",
            Self::Percent => "%",
            Self::PerMinute => "/min",
            Self::MillimetreOfMercury => "mm[Hg]",
            Self::PerDay => "/d",
            Self::MillilitrePerMinutePerKilogram => "mL/min/kg",
            Self::KilogramPerSquareMetre => "kg/m2",
        }
    }

    /// What the unit measures.
    pub fn dimension(self) -> Dimension {
        match self {
            Self::Kilogram | Self::Pound => Dimension::Mass,
            Self::Centimetre | Self::Inch => Dimension::Length,
            Self::Percent => Dimension::Percent,
            Self::PerMinute => Dimension::Rate,
            Self::MillimetreOfMercury => Dimension::Pressure,
            Self::PerDay => Dimension::StepsPerDay,
            Self::MillilitrePerMinutePerKilogram => Dimension::OxygenUptake,
            Self::KilogramPerSquareMetre => Dimension::MassIndex,
        }
    }

    /// How many canonical units one of this unit is.
    fn factor(self) -> f64 {
        match self {
            Self::Pound => 0.453_592_37,
            Self::Inch => 2.54,
            _ => 1.0,
        }
    }

    /// Parses a unit by its symbol or UCUM code (and a few common spellings).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        UNITS
            .iter()
            .copied()
            .find(|u| u.symbol() == text || u.ucum() == text)
            .or(match text {
                "lbs" => Some(Self::Pound),
                "inch" | "inches" => Some(Self::Inch),
                "/min" | "1/min" => Some(Self::PerMinute),
                "steps" => Some(Self::PerDay),
                "mL/kg/min" | "ml/kg/min" => Some(Self::MillilitrePerMinutePerKilogram),
                "kg/m^2" => Some(Self::KilogramPerSquareMetre),
                _ => None,
            })
    }

    /// A value in this unit, in canonical units.
    pub fn to_canonical(self, value: f64) -> f64 {
        value * self.factor()
    }

    /// A canonical value, in this unit.
    pub fn from_canonical(self, value: f64) -> f64 {
        value / self.factor()
    }
}

impl Dimension {
    /// The stored (canonical) unit.
    pub fn canonical(self) -> Unit {
        self.unit_in(UnitSystem::Metric)
    }

    /// The unit a viewer who prefers `system` sees.
    pub fn unit_in(self, system: UnitSystem) -> Unit {
        match (self, system) {
            (Self::Mass, UnitSystem::Metric) => Unit::Kilogram,
            (Self::Mass, UnitSystem::Imperial) => Unit::Pound,
            (Self::Length, UnitSystem::Metric) => Unit::Centimetre,
            (Self::Length, UnitSystem::Imperial) => Unit::Inch,
            (Self::Percent, _) => Unit::Percent,
            (Self::Rate, _) => Unit::PerMinute,
            (Self::Pressure, _) => Unit::MillimetreOfMercury,
            (Self::StepsPerDay, _) => Unit::PerDay,
            (Self::OxygenUptake, _) => Unit::MillilitrePerMinutePerKilogram,
            (Self::MassIndex, _) => Unit::KilogramPerSquareMetre,
        }
    }
}

/// Rounds a value for display: two decimals.
pub fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// One kind of measurement.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Stable key, e.g. `weight`.
    pub key: &'static str,
    /// English name.
    pub name: &'static str,
    /// LOINC code, where one exists for exactly this observation.
    pub loinc: Option<&'static str>,
    /// What it measures.
    pub dimension: Dimension,
    /// Smallest plausible value, canonical units.
    pub min: f64,
    /// Largest plausible value, canonical units.
    pub max: f64,
}

const fn metric(
    key: &'static str,
    name: &'static str,
    loinc: Option<&'static str>,
    dimension: Dimension,
    min: f64,
    max: f64,
) -> Metric {
    Metric {
        key,
        name,
        loinc,
        dimension,
        min,
        max,
    }
}

/// Every metric, in the order apps list them. LOINC codes are given only where the code names
/// this very observation; circumferences other than the waist and neck, muscle mass and VO2max
/// have none here.
pub const METRICS: &[Metric] = &[
    metric(
        "weight",
        "Body weight",
        Some("29463-7"),
        Dimension::Mass,
        1.0,
        650.0,
    ),
    metric(
        "height",
        "Body height",
        Some("8302-2"),
        Dimension::Length,
        30.0,
        275.0,
    ),
    metric(
        "bmi",
        "Body mass index",
        Some("39156-5"),
        Dimension::MassIndex,
        5.0,
        150.0,
    ),
    metric(
        "body_fat",
        "Body fat",
        Some("41982-0"),
        Dimension::Percent,
        1.0,
        75.0,
    ),
    metric(
        "muscle_mass",
        "Muscle mass",
        None,
        Dimension::Mass,
        1.0,
        300.0,
    ),
    metric(
        "waist",
        "Waist circumference",
        Some("8280-0"),
        Dimension::Length,
        20.0,
        300.0,
    ),
    metric(
        "hips",
        "Hip circumference",
        None,
        Dimension::Length,
        20.0,
        300.0,
    ),
    metric(
        "chest",
        "Chest circumference",
        None,
        Dimension::Length,
        20.0,
        300.0,
    ),
    metric(
        "neck",
        "Neck circumference",
        Some("56074-8"),
        Dimension::Length,
        10.0,
        100.0,
    ),
    metric(
        "arm",
        "Upper arm circumference",
        None,
        Dimension::Length,
        5.0,
        100.0,
    ),
    metric(
        "thigh",
        "Thigh circumference",
        None,
        Dimension::Length,
        10.0,
        150.0,
    ),
    metric(
        "calf",
        "Calf circumference",
        None,
        Dimension::Length,
        5.0,
        100.0,
    ),
    metric(
        "resting_heart_rate",
        "Resting heart rate",
        Some("40443-4"),
        Dimension::Rate,
        20.0,
        250.0,
    ),
    metric(
        "systolic_blood_pressure",
        "Systolic blood pressure",
        Some("8480-6"),
        Dimension::Pressure,
        50.0,
        300.0,
    ),
    metric(
        "diastolic_blood_pressure",
        "Diastolic blood pressure",
        Some("8462-4"),
        Dimension::Pressure,
        20.0,
        200.0,
    ),
    metric(
        "steps",
        "Steps in a day",
        Some("41950-7"),
        Dimension::StepsPerDay,
        0.0,
        200_000.0,
    ),
    metric(
        "vo2max",
        "VO2max",
        None,
        Dimension::OxygenUptake,
        5.0,
        100.0,
    ),
];

/// The metric with this key.
pub fn find(key: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.key == key)
}

impl Metric {
    /// The unit a viewer who prefers `system` sees this metric in.
    pub fn unit_in(&self, system: UnitSystem) -> Unit {
        self.dimension.unit_in(system)
    }

    /// A stored value as a viewer sees it: converted and rounded.
    pub fn display(&self, canonical: f64, system: UnitSystem) -> f64 {
        round(self.unit_in(system).from_canonical(canonical))
    }

    /// Reads a value given in `unit` (the canonical one when absent) into canonical units,
    /// checking the unit fits and the value is plausible.
    pub fn read(&self, value: f64, unit: Option<&str>) -> Result<f64, (&'static str, String)> {
        let unit = match unit {
            None => self.dimension.canonical(),
            Some(text) => {
                let accepted = || {
                    let mut units: Vec<_> = UNITS
                        .iter()
                        .filter(|u| u.dimension() == self.dimension)
                        .map(|u| format!("`{}`", u.symbol()))
                        .collect();
                    units.dedup();
                    units.join(", ")
                };
                let unit = Unit::parse(text).ok_or_else(|| {
                    (
                        "unknown_unit",
                        format!("unknown unit; {} takes {}", self.key, accepted()),
                    )
                })?;
                if unit.dimension() != self.dimension {
                    return Err((
                        "incompatible_unit",
                        format!("{} takes {}", self.key, accepted()),
                    ));
                }
                unit
            }
        };
        if !value.is_finite() {
            return Err(("invalid", "must be a number".to_owned()));
        }
        let canonical = unit.to_canonical(value);
        if canonical < self.min || canonical > self.max {
            let shown = |v: f64| round(unit.from_canonical(v));
            return Err((
                "out_of_range",
                format!(
                    "must be between {} and {} {}",
                    shown(self.min),
                    shown(self.max),
                    unit.symbol()
                ),
            ));
        }
        Ok(canonical)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn keys_are_unique_and_every_range_is_sane() {
        let mut keys: Vec<_> = METRICS.iter().map(|m| m.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), METRICS.len());
        for metric in METRICS {
            assert!(metric.min < metric.max, "{}", metric.key);
            assert!(metric.key.len() <= 32, "{}", metric.key);
        }
    }

    #[test]
    fn units_parse_by_symbol_and_ucum_code() {
        for unit in UNITS {
            assert_eq!(Unit::parse(unit.symbol()), Some(*unit));
            assert_eq!(Unit::parse(unit.ucum()), Some(*unit));
        }
        assert_eq!(Unit::parse("lbs"), Some(Unit::Pound));
        assert_eq!(Unit::parse("stone"), None);
    }

    #[test]
    fn imperial_input_is_stored_in_metric_and_checked() {
        let weight = find("weight").unwrap();
        assert!((weight.read(200.0, Some("lb")).unwrap() - 90.718_474).abs() < 1e-9);
        assert_eq!(weight.read(80.0, None).unwrap(), 80.0);
        assert_eq!(
            weight.read(80.0, Some("cm")).unwrap_err().0,
            "incompatible_unit"
        );
        assert_eq!(
            weight.read(80.0, Some("stone")).unwrap_err().0,
            "unknown_unit"
        );
        assert_eq!(
            weight.read(2000.0, Some("lb")).unwrap_err().0,
            "out_of_range"
        );
        assert_eq!(weight.read(f64::NAN, None).unwrap_err().0, "invalid");
        let waist = find("waist").unwrap();
        assert!((waist.read(32.0, Some("[in_i]")).unwrap() - 81.28).abs() < 1e-9);
        assert_eq!(waist.display(81.28, UnitSystem::Imperial), 32.0);
    }

    fn convertible() -> impl Strategy<Value = Unit> {
        prop::sample::select(UNITS.to_vec())
    }

    proptest! {
        /// Canonical → any unit → canonical is the identity (to floating point).
        #[test]
        fn conversion_round_trips(unit in convertible(), value in 0.0f64..1.0e6) {
            let back = unit.to_canonical(unit.from_canonical(value));
            prop_assert!((back - value).abs() <= value.abs() * 1e-12 + 1e-12);
        }

        /// A value typed with two decimals in any unit of a metric comes back exactly as typed
        /// when shown in that unit.
        #[test]
        fn typed_values_come_back_as_typed(
            metric in prop::sample::select(METRICS.to_vec()),
            imperial in any::<bool>(),
            hundredths in 0u32..10_000_000,
        ) {
            let system = if imperial { UnitSystem::Imperial } else { UnitSystem::Metric };
            let unit = metric.unit_in(system);
            let typed = f64::from(hundredths) / 100.0;
            if let Ok(stored) = metric.read(typed, Some(unit.symbol())) {
                prop_assert_eq!(metric.display(stored, system), typed);
            }
        }

        /// Metric and imperial views of one stored value describe the same quantity.
        #[test]
        fn both_systems_agree(metric in prop::sample::select(METRICS.to_vec()), value in 1.0f64..500.0) {
            let kg_or_cm = metric.unit_in(UnitSystem::Metric).from_canonical(value);
            let imperial = metric.unit_in(UnitSystem::Imperial).from_canonical(value);
            let again = metric.unit_in(UnitSystem::Imperial).to_canonical(imperial);
            prop_assert!((again - kg_or_cm).abs() < 1e-9);
        }
    }
}
