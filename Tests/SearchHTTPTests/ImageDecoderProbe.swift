import Imaging

enum ImageDecoderProbe {
    static func size(_ bytes: [UInt8]) throws -> (width: Int, height: Int) {
        let image = try ImageDecoder.decode(data: bytes, name: "thumbnail")
        return (image.width, image.height)
    }
}
