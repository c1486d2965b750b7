public enum SearchTestingPlaceholder {}
