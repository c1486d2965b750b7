public enum EmbeddingPlaceholder {}
