import Catalog
import Testing

/// The document-frequency query plan (FTSQuery+Planning.swift) on given counts.
struct FTSQueryPlanningTests {
    let budget = 3000

    @Test func selectiveWordsAloneAreAPlainOR() {
        let plan = FTSQuery("lord rings").plannedExpression(documentFrequency: ["lord": 40, "rings": 12],
                                                             itemCount: 100_000, scoringBudget: budget)
        #expect(plan == "\"lord\" OR \"rings\"")
    }

    @Test func ubiquitousAndStopWordsAreDroppedWhenRarerTermsExist() {
        let plan = FTSQuery("the film Kurosawa").plannedExpression(
            documentFrequency: ["the": 60_000, "film": 20_000, "kurosawa": 30], itemCount: 100_000, scoringBudget: budget)
        #expect(plan == "\"Kurosawa\"")
    }

    @Test func broadWordsOnlyRescoreTheCandidatesOfSelectiveOnes() {
        let plan = FTSQuery("john wayne").plannedExpression(documentFrequency: ["john": 8000, "wayne": 200],
                                                             itemCount: 100_000, scoringBudget: budget)
        #expect(plan == "\"wayne\" OR ((\"john\") AND (\"wayne\"))")
        // FTS5 numbers phrases left to right, a repeated term twice: the order the IDFs are passed in.
        let match = FTSQuery("john wayne").plannedMatch(documentFrequency: ["john": 8000, "wayne": 200],
                                                        itemCount: 100_000, scoringBudget: budget)
        #expect(match?.phrases == [.word("wayne"), .word("john"), .word("wayne")])
    }

    @Test func selectiveWordsTotalAtMostTheBudgetRarestFirst() {
        let plan = FTSQuery("western film with Jason").plannedExpression(
            documentFrequency: ["western": 2500, "with": 1500, "jason": 400, "film": 20_000], itemCount: 100_000, scoringBudget: budget)
        #expect(plan == "\"with\" OR \"Jason\" OR ((\"western\") AND (\"with\" OR \"Jason\"))")
    }

    @Test func broadWordsOnlyAreMatchedInTitlesAndTags() {
        let one = FTSQuery("john").plannedExpression(documentFrequency: ["john": 8000], itemCount: 100_000, scoringBudget: budget)
        #expect(one == "{title tags auto_tags} : (\"john\")")
        let stopWords = FTSQuery("drama united").plannedExpression(
            documentFrequency: ["drama": 40_000, "united": 30_000], itemCount: 100_000, scoringBudget: budget)
        #expect(stopWords == "{title tags auto_tags} : (\"drama\" AND \"united\")")
    }

    @Test func wordsAllInMostItemsHaveNoLexicalPlan() {
        let plan = FTSQuery("drama united film").plannedExpression(
            documentFrequency: ["drama": 53_000, "united": 81_000, "film": 100_000], itemCount: 100_000, scoringBudget: budget)
        #expect(plan == nil)
        // Within the scoring budget (a small catalog) they are all required instead.
        #expect(FTSQuery("drama united").plannedExpression(documentFrequency: ["drama": 600, "united": 700], itemCount: 1000,
                                                           scoringBudget: budget) == "\"drama\" AND \"united\"")
        // One such word alone is still matched (in titles and tags), and so is a query with a rarer word.
        #expect(FTSQuery("film").plannedExpression(documentFrequency: ["film": 100_000], itemCount: 100_000,
                                                   scoringBudget: budget) == "{title tags auto_tags} : (\"film\")")
        #expect(FTSQuery("drama kurosawa").plannedExpression(documentFrequency: ["drama": 53_000, "kurosawa": 30],
                                                             itemCount: 100_000, scoringBudget: budget) == "\"kurosawa\"")
    }

    @Test func prefixAndPhraseTermsAreAlwaysSelective() {
        let plan = FTSQuery("kuro* \"seven samurai\" john").plannedExpression(
            documentFrequency: ["john": 8000], itemCount: 100_000, scoringBudget: budget)
        #expect(plan == "\"kuro\"* OR \"seven samurai\" OR ((\"john\") AND (\"kuro\"* OR \"seven samurai\"))")
    }

    @Test func smallCatalogsAreUnchanged() {
        let query = FTSQuery("the cat sat")
        let plan = query.plannedExpression(documentFrequency: ["the": 6, "cat": 1, "sat": 1], itemCount: 10, scoringBudget: budget)
        #expect(plan == "\"cat\" OR \"sat\"")  // "the" is in more than half of the 10 items
        #expect(FTSQuery("").plannedExpression(documentFrequency: [:], itemCount: 10, scoringBudget: budget) == nil)
    }
}
