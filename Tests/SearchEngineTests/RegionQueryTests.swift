import Embedding
import Foundation
import Imaging
import SearchEngine
import Testing

/// Issue #19 item 6, query side: ``QueryBox`` parsing and the crop it applies before embedding.
@Suite struct RegionQueryTests {
    @Test func boxesParseAndBadOnesNameBoxAndTheReason() throws {
        let box = try QueryBox(parsing: " 0.25, 0.5 ,0.5,0.25")
        #expect([box.x, box.y, box.width, box.height] == [0.25, 0.5, 0.5, 0.25])
        for (text, reason) in [("1,2,3", "x,y,w,h"), ("0,0,x,1", "numbers"), ("0.5,0,0.6,1", "outside"), ("0,0,0,1", "empty"),
                               ("inf,0,1,1", "finite"), ("0,-0.5,1,1", "≥ 0")] {
            #expect { try QueryBox(parsing: text) } throws: { error in
                guard let error = error as? SearchEngineError else { return false }
                return error.subject == "box" && error.reason.contains(reason)
            }
        }
    }

    @Test func pixelsStayInsideTheImageAndAreNeverEmpty() throws {
        for (w, h) in [(1, 1), (7, 3), (640, 480)] {
            for box in [try QueryBox(x: 0, y: 0, width: 1, height: 1), try QueryBox(x: 0.99, y: 0.99, width: 0.01, height: 0.01),
                        try QueryBox(x: 0.3, y: 0.1, width: 0.001, height: 0.5)] {
                let p = box.pixels(width: w, height: h)
                #expect(p.x >= 0 && p.y >= 0 && p.width >= 1 && p.height >= 1 && p.x + p.width <= w && p.y + p.height <= h)
            }
        }
        let quarter = try QueryBox(x: 0.5, y: 0, width: 0.5, height: 0.5).pixels(width: 640, height: 480)
        #expect(quarter.x == 320 && quarter.y == 0 && quarter.width == 320 && quarter.height == 240)
    }

    @Test func aBoxQueryEmbedsTheCroppedRegion() throws {
        let (image, _) = try BuildFixtures.models.get()
        let models = QueryModels(image: image)
        let path = BuildFixtures.sample("fruits.jpg")
        let whole = try models.embed(.file(path: path))
        #expect(try models.embed(.file(path: path), box: try QueryBox(x: 0, y: 0, width: 1, height: 1)) == whole)

        let box = try QueryBox(x: 0.5, y: 0.5, width: 0.5, height: 0.5)
        let region = try models.embed(.file(path: path), box: box)
        // The same region cut by hand from the image decoded at full size, then preprocessed as any query.
        let decoded = try ImageDecoder.decode(path: path)
        let cut = decoded.cropped(x: decoded.width / 2, y: decoded.height / 2, width: decoded.width - decoded.width / 2,
                                  height: decoded.height - decoded.height / 2)
        let expected = try image.encode(modelInputs: [ImageEncoder.modelInput(cut)])[0].embedding
        let cosine = zip(region, expected).reduce(0) { $0 + $1.0 * $1.1 }
        let toWhole = zip(region, whole).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(cosine > 0.98)
        #expect(toWhole < cosine)
        #expect { try models.embed(.embedding(whole), box: box) } throws: { ($0 as? SearchEngineError)?.subject == "box" }
    }
}
