public enum VectorIndexPlaceholder {}
